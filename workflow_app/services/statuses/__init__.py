"""Statuses: status types as data, the award lifecycle grounded in orders, the import of the existing
registry, the public registry's read side, the figures and the organisation profile.

Modules: types (status types, termination grounds), awards (granting, changes, the daily refresh),
grounding (orders issued outside the system), importer (XLSX/CSV), registry (read side), stats (figures),
profile (timeline providers).
"""
