// A value that must never break mid-token (a URL, a masked key, a file path): one line, cut with
// an ellipsis when the space is short, the full value in a title on hover and reachable by
// keyboard focus (a tooltip alone is mouse-only), and read in full by screen readers.
export interface TokenProps {
  value: string;
  /** Extra classes, e.g. "inline-code". */
  className?: string;
}

export function Token({ value, className }: TokenProps) {
  return (
    <code className={className === undefined ? 'token' : `token ${className}`} title={value} tabIndex={0}>
      {value}
    </code>
  );
}
