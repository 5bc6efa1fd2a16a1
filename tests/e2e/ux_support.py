"""Measurements the browser tests share: contrast of borders and focus rings, sideways scrolling."""

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}

# Computes WCAG contrast between a colour and the first opaque background behind an element.
CONTRAST_JS = """
(() => {
  function rgb(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function luminance(c) {
    const f = v => { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function backgroundBehind(element) {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  window.lmcContrast = (colour, element) => {
    const a = luminance(rgb(colour)), b = luminance(backgroundBehind(element));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
})();
"""


def control_border_contrasts(page) -> list[tuple[str, float]]:
    """Return (control, contrast) for every visible text field, select and textarea on the page."""
    page.evaluate(CONTRAST_JS)
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
              'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=checkbox]):not([type=radio]), select, textarea'))
            .filter(e => e.offsetParent !== null)
            .map(e => [e.outerHTML.slice(0, 80), lmcContrast(getComputedStyle(e).borderTopColor, e)])"""
    )


def focus_ring(page, selector: str) -> dict:
    """Focus `selector` from the keyboard's point of view and return its outline before and after."""
    page.evaluate(CONTRAST_JS)
    element = page.locator(selector).first
    before = element.evaluate("e => { const s = getComputedStyle(e); return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor; }")
    # A keyboard press first: Chromium then treats the scripted focus as keyboard focus (:focus-visible),
    # moving on from the element the Tab key reached.
    page.mouse.move(0, 0)
    page.keyboard.press("Tab")
    element.focus()
    return element.evaluate(
        """(e, before) => { const s = getComputedStyle(e);
              return {focused: document.activeElement === e, before,
                      after: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
                      width: parseFloat(s.outlineWidth), style: s.outlineStyle,
                      contrast: lmcContrast(s.outlineColor, e)}; }""",
        before,
    )


def scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
