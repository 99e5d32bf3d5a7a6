/**
 * Keyboard and narrow-screen checks of a page in real Chromium: what Tab reaches from page load, in
 * order, with whether each stop shows a focus indicator, and how far the page scrolls sideways.
 */
import type { Page } from "playwright-core";

export interface TabStop {
  /** The element's accessible-ish name: aria-label, else its text or value, squeezed. */
  name: string;
  tag: string;
  /** Inside the main nav. */
  nav: boolean;
  /** Computed outline (style/width) or box-shadow: not "none" (and not 0 px) is a visible indicator. */
  indicator: boolean;
  outline: string;
  /** The element lies in the viewport once focused (a skip link slides in). */
  onScreen: boolean;
}

/** Presses Tab from the top of the freshly loaded page up to `max` times; each stop as it was focused. */
export async function tabStops(page: Page, max = 60): Promise<TabStop[]> {
  const out: TabStop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const s = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return undefined;
      const cs = getComputedStyle(el);
      const outlined = cs.outlineStyle !== "none" && Number.parseFloat(cs.outlineWidth) > 0;
      const r = el.getBoundingClientRect();
      const text = el.getAttribute("aria-label") ?? el.textContent ?? (el as HTMLInputElement).value ?? "";
      return {
        name: text.replace(/\s+/g, " ").trim(),
        tag: el.tagName.toLowerCase(),
        nav: !!el.closest("nav.main-nav"),
        indicator: outlined || cs.boxShadow !== "none",
        outline: `${cs.outlineStyle} ${cs.outlineWidth} / ${cs.boxShadow}`,
        onScreen: r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.width > 0,
      };
    });
    if (!s) break;
    // Wrapped around to the first stop: the page is done.
    if (out.length && s.name === out[0]!.name && s.tag === out[0]!.tag) break;
    out.push(s);
  }
  return out;
}

/** How many pixels the page scrolls sideways (0: none). */
export function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
