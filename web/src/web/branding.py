"""An authority's colours on its pages, readable whatever colour the registry holds."""

WHITE = "#ffffff"
BLACK = "#0b0c0c"
# WCAG AA for normal text.
READABLE = 4.5


def _luminance(colour: str) -> float:
    """Relative luminance of a `#RRGGBB` colour, as WCAG defines it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White text on the authority's colour when it is readable, else near-black."""
    return WHITE if contrast(WHITE, background) >= READABLE else BLACK
