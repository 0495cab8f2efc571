"""The course's colours: one place, and readable with colour-vision deficiencies.

The strong colours are Okabe and Ito's palette ("Color Universal Design",
2008), chosen so that every pair stays distinguishable for people with
protanopia, deuteranopia or tritanopia; ``tests/test_palette.py`` simulates
each (Machado, Oliveira and Fernandes 2009) and holds the palette to it. The
pale colours are fills behind a strong edge or line, told apart by lightness.
A figure that needs more categories than :data:`CATEGORICAL` holds also uses
line styles or labels, never colour alone.
"""

from __future__ import annotations

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"     # Okabe-Ito's bluish green: never confused with RED
RED = "#D55E00"       # Okabe-Ito's vermillion
PURPLE = "#CC79A7"    # Okabe-Ito's reddish purple
SKY = "#56B4E9"
BLACK = "#000000"
#: the strong colours, in the order categories take them
CATEGORICAL = (BLUE, ORANGE, GREEN, RED, PURPLE, SKY, BLACK)

GREY = "#7f8c8d"          # what is neither one nor the other (waiting, unlinked)
PALE_GREY = "#aab7b8"
PALE_BLUE = "#aed6f1"     # bars and histograms behind a BLUE edge
PALE_ORANGE = "#f5b041"   # a shaded band, or bars behind a DARK_ORANGE edge
DARK_ORANGE = "#af601a"
PALE_PURPLE = "#d7bde2"
TEXT_GREY = "#566573"     # notes written on a figure
