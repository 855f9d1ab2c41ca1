"""The engine's errors: each says what is wrong in words a user can act on."""


class EngineError(Exception):
    """Base class: OCR could not run on this input."""


class BadImageError(EngineError):
    """The input is not an image the engine can read (corrupt, empty, too large, unsupported)."""


class TooManyPixelsError(BadImageError):
    """A page has more pixels than the limit, as its file's header says (nothing decoded)."""


class ModelMissingError(EngineError):
    """An option needs a model that is not provisioned in the models folder."""
