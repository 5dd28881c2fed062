"""The scheduler process (`flask run-scheduler`): one active instance per deployment."""
