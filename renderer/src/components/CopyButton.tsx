// Copies a text to the clipboard and says so (polite live region). The text is passed in, never
// read back from the page. Falls back to a selected textarea where the Clipboard API is missing.
import { useEffect, useState } from 'react';

export interface CopyButtonProps {
  text: string;
  /** Accessible name, e.g. "Copy the gateway address". */
  label: string;
  /** The visible text before copying; "Copy" by default. */
  caption?: string;
  className?: string;
}

export function CopyButton({ text, label, caption = 'Copy', className }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await copyText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <button type="button" className={className ?? 'button-small'} onClick={() => void copy()} aria-label={label}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : caption}</span>
    </button>
  );
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}
