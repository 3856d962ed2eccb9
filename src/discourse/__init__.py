"""discourse: turn scraped forum debates into stance, sentiment and shift evidence."""

__version__ = "0.1.0"
