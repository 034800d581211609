"""Golden program 3: user code calling pure-Python library code."""
import colorsys


def hue_and_light(r, g):
    h, l, s = colorsys.rgb_to_hls(r, g, 0.25)
    return sum([l * 2.0, h])
