"""An offline bedside voice assistant that talks a person through a night leg cramp."""

__version__ = "0.1.0"
