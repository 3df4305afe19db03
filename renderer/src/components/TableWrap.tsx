// The box around a wide table: it scrolls sideways inside itself (never the page) and, while it
// has columns out of view, says so above the table and becomes a focusable, named region so a
// keyboard user can scroll it too. Narrow windows mostly see tables as cards (styles.css); this
// covers the widths in between.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface TableWrapProps {
  /** Names the scrolling region, e.g. the table's caption. */
  label: string;
  children: ReactNode;
}

export function TableWrap({ label, children }: TableWrapProps) {
  const box = useRef<HTMLDivElement>(null);
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const element = box.current;
    if (element === null || typeof ResizeObserver === 'undefined') return undefined;
    const measureNow = () => setOverflowing(element.scrollWidth > element.clientWidth + 1);
    // Measure now and again once the frame that follows has been laid out: a change that lands
    // between a callback and the next paint (a health result, a class swap) must not leave the
    // hint with a stale answer (seen once on a loaded CI machine).
    let frame = 0;
    const measure = () => {
      measureNow();
      if (typeof requestAnimationFrame === 'undefined') return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measureNow);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    // The table inside is replaced and refilled as data arrives (a new range, prices loaded): watch
    // whatever is there now, or the hint keeps the first table's answer.
    let table = element.firstElementChild;
    if (table !== null) observer.observe(table);
    const changes = new MutationObserver(() => {
      const current = element.firstElementChild;
      if (current !== table) {
        if (table !== null) observer.unobserve(table);
        if (current !== null) observer.observe(current);
        table = current;
      }
      measure();
    });
    changes.observe(element, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['class', 'style'] });
    window.addEventListener('resize', measure);
    measure();
    return () => {
      observer.disconnect();
      changes.disconnect();
      window.removeEventListener('resize', measure);
      if (typeof cancelAnimationFrame !== 'undefined') cancelAnimationFrame(frame);
    };
  }, []);
  return (
    <div className="table-frame">
      {overflowing ? (
        <p className="scroll-hint" aria-hidden="true">
          Scroll sideways for more columns →
        </p>
      ) : null}
      <div ref={box} className="table-wrap" {...(overflowing ? { tabIndex: 0, role: 'region', 'aria-label': `${label} (scrolls sideways)` } : {})}>
        {children}
      </div>
    </div>
  );
}
