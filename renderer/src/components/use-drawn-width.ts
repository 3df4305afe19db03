// The width in CSS pixels an element is drawn at, followed as its box resizes, so a chart can be
// drawn at its real size (its text then keeps its real font size instead of shrinking with the
// window). Gives `fallback` until measured, and where ResizeObserver is missing (unit tests).
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

export function useDrawnWidth<T extends Element>(fallback: number): [RefObject<T | null>, number] {
  const ref = useRef<T | null>(null);
  const [width, setWidth] = useState(fallback);
  // Measured before the first paint, so the chart is never shown drawn at the fallback width.
  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null || typeof ResizeObserver === 'undefined') return undefined;
    const measure = () => {
      const drawn = Math.round(element.getBoundingClientRect().width);
      if (drawn > 0) setWidth(drawn);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
