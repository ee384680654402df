"""Dates as dd/mm/yyyy in every page and e-mail, in both languages (docs/glossary.md).

Templates mostly say |date:"d/m/Y" themselves; these make a date rendered without a format,
and Django's admin, say the same. config/formats/en/formats.py imports this module."""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
# Typed dates are read day first; ISO is what <input type="date"> sends.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
