"""Import of the insurer's core-system data (policyholders, policies, plans, members...).

kinds.py declares each file kind (columns, accepted values, checks), upsert.py the
database part, services.py the entry points; the generic machinery is in
satuklik.core.importing. The formats are documented in README.md ("Importing the insurer's data").
"""
