"""WTForms classes, grouped like the views."""
import email_validator

# Institutional mail inside closed networks (and the demo accounts, admin@iro.local …) uses ".local";
# email_validator rejects it as a special-use name, which would lock those users out of every form.
if "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")
