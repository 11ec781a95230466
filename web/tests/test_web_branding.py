"""The header text stays readable on whatever colour an authority chose."""

import pytest

from web.branding import BLACK, WHITE, contrast, text_colour_on


class TestHeaderText:
    @pytest.mark.parametrize("colour", ["#005ea5", "#7a1f5c", "#006f53", "#1d4f91", "#0b0c0c"])
    def test_white_on_the_seeded_dark_colours(self, colour: str) -> None:
        assert text_colour_on(colour) == WHITE

    @pytest.mark.parametrize("colour", ["#ffdd00", "#ffffff", "#85994b"])
    def test_black_on_light_colours(self, colour: str) -> None:
        assert text_colour_on(colour) == BLACK
        assert contrast(BLACK, colour) >= 4.5

    def test_the_contrast_of_black_and_white_is_21(self) -> None:
        assert round(contrast("#000000", "#ffffff"), 1) == 21.0
