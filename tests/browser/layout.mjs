// layout.mjs — what a person would call a broken layout on a phone, found
// in the page as it is shown (layoutProblems runs in the browser):
//  - the page or a box in it (a sheet) scrolls sideways, or something sticks
//    out of the screen (the strips meant to scroll sideways, `sideways`,
//    may hold more);
//  - text clipped by its box: text outside the block it sits in, cut off by
//    an ancestor that hides overflow, or shortened with an ellipsis;
//  - a tap target (button, link, field, checkbox with its label) under
//    44 × 44 CSS px.
// Each problem is one line naming the element.

export function layoutProblems({ minTap = 44, sideways = '.filters' } = {}) {
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  const out = [];
  const describe = (el) => {
    const cls =
      typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.textContent || '')
      .trim()
      .replace(/\s+/g, ' ')
      .slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} "${text}"`;
  };
  const shown = (el) => {
    if (el.closest('.visually-hidden, .skip, [hidden], [aria-hidden="true"] svg')) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && Number(cs.opacity) !== 0;
  };
  // A dialog open as a modal: only it is in front (the page behind is inert).
  const modal = [...document.querySelectorAll('dialog[open]')].pop() || null;
  const inScope = (el) => !modal || modal.contains(el);
  const scroller = (el) => el.parentElement?.closest(sideways);

  if (doc.scrollWidth > vw + 1) out.push(`the page scrolls sideways: ${doc.scrollWidth} px wide on a ${vw} px screen`);
  for (const el of document.body.querySelectorAll('*')) {
    const o = getComputedStyle(el).overflowX;
    if ((o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !el.matches(sideways) && inScope(el))
      out.push(`scrolls sideways: ${describe(el)} holds ${el.scrollWidth} px in ${el.clientWidth}`);
  }

  // Out of the screen sideways (reported once, at the outermost element).
  const outside = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (!inScope(el) || el.closest('svg') || !shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= vw + 1 && r.left >= -1) continue;
    if (scroller(el)) continue;
    if (el.parentElement && outside.has(el.parentElement)) {
      outside.add(el);
      continue;
    }
    outside.add(el);
    out.push(`off the screen: ${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
  }

  // Text clipped or outside its box.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const parent = node.parentElement;
    if (!parent || !inScope(parent) || parent.closest('svg, script, style, select, option, textarea, title')) continue;
    if (!shown(parent)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    let box = parent;
    while (box !== document.body && getComputedStyle(box).display.startsWith('inline') && box.parentElement)
      box = box.parentElement;
    const b = box.getBoundingClientRect();
    const within = (r, c, slack = 1) =>
      r.left >= c.left - slack && r.right <= c.right + slack && r.top >= c.top - slack && r.bottom <= c.bottom + slack;
    const report = (why, el) => {
      const key = `${why}|${describe(el)}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(`${why}: ${describe(el)}`);
      }
    };
    // Sideways only: a glyph taller than a tight line box is no break.
    if (!rects.every((r) => r.left >= b.left - 1 && r.right <= b.right + 1)) report('text outside its box', box);
    for (let a = parent; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.textOverflow === 'ellipsis' && a.scrollWidth > a.clientWidth + 1) report('text cut with an ellipsis', a);
      const clips = (o) => o === 'hidden' || o === 'clip';
      if (!clips(cs.overflowX) && !clips(cs.overflowY)) continue;
      const c = a.getBoundingClientRect();
      if (!rects.every((r) => within(r, c))) report('text clipped', a);
    }
  }

  // Tap targets.
  const targets = document.body.querySelectorAll(
    'button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="button"]',
  );
  for (const el of targets) {
    if (!inScope(el) || !shown(el)) continue;
    let target = el;
    if (el.matches('input[type="checkbox"], input[type="radio"]')) target = el.closest('label') || el;
    const r = target.getBoundingClientRect();
    if (r.width < minTap - 0.5 || r.height < minTap - 0.5)
      out.push(`tap target ${Math.round(r.width)}×${Math.round(r.height)}: ${describe(target)}`);
  }
  return out;
}
