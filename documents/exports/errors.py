"""The one error exporters raise: the document cannot be exported in that format, and why."""


class ExportError(Exception):
    pass
