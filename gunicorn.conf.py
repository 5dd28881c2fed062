"""gunicorn settings read from the project root: gunicorn does not announce itself in a Server header."""
from gunicorn.http import wsgi

# Every response of gunicorn carries «Server: <name>/<version>»; naming the software and its version
# only helps an attacker pick an exploit. The header keeps a neutral value.
wsgi.SERVER = "workflow_app"
