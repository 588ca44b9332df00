"""Colour arithmetic for the diagram's palette: WCAG relative luminance and contrast, CIE
L*a*b* and its ΔE distance, and a colour of a given hue at a given luminance.

Colours are ``#RRGGBB`` strings, as Graphviz is given them.
"""

from __future__ import annotations

import colorsys

_WHITE = (0.95047, 1.0, 1.08883)  # D65, the sRGB white


def _channels(colour: str) -> tuple[float, float, float]:
    return (
        int(colour[1:3], 16) / 255,
        int(colour[3:5], 16) / 255,
        int(colour[5:7], 16) / 255,
    )


def _linear(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def _hex(red: float, green: float, blue: float) -> str:
    return f"#{round(red * 255):02X}{round(green * 255):02X}{round(blue * 255):02X}"


def luminance(colour: str) -> float:
    """A colour's relative luminance (WCAG 2): 0 for black, 1 for white."""
    r, g, b = (_linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colour_lab(colour: str) -> tuple[float, float, float]:
    """A colour in CIE L*a*b* (D65)."""
    r, g, b = (_linear(c) for c in _channels(colour))
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / _WHITE[0],
        (0.2126 * r + 0.7152 * g + 0.0722 * b) / _WHITE[1],
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / _WHITE[2],
    )
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def delta_e(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """How far apart two L*a*b* colours look (CIE76 ΔE: about 2.3 is just noticeable)."""
    return float(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5)


#: Each 8-bit channel value's linear light (:func:`_linear` of it over 255).
_LINEAR = tuple(_linear(i / 255) for i in range(256))


def at_luminance(hue: float, saturation: float, target: float) -> str:
    """The colour of ``hue`` and ``saturation`` (HLS, 0 to 1) whose relative luminance is
    ``target``, found by bisection on its lightness (luminance grows with lightness).

    32 halvings, of which the last ones are skipped once both ends of the interval are
    the same ``#RRGGBB``: each channel grows with lightness, so every colour between them
    is that one too, and so is the answer (the colour at the middle of the last interval).
    """
    low, high = 0.0, 1.0
    low_rgb, high_rgb = _rgb(hue, low, saturation), _rgb(hue, high, saturation)
    for _ in range(32):
        if low_rgb == high_rgb:
            break
        middle = (low + high) / 2
        r, g, b = middle_rgb = _rgb(hue, middle, saturation)
        # As luminance() of the colour's ``#RRGGBB``, from the 8-bit channels.
        if 0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b] < target:
            low, low_rgb = middle, middle_rgb
        else:
            high, high_rgb = middle, middle_rgb
    return _hex(*colorsys.hls_to_rgb(hue, (low + high) / 2, saturation))


def _rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    """The 8-bit channels of an HLS colour, rounded as :func:`_hex` writes them."""
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)
