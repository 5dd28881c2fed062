"""WTForms classes, grouped like the views."""
