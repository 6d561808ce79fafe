import { useEffect, useState } from 'react';

/**
 * Copies `text` to the clipboard and says so in a live region beside it ("Copied." or why not).
 * `label` names what is copied for screen readers when several copy buttons share a page.
 */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  useEffect(() => {
    if (result === null) return;
    const timer = setTimeout(() => setResult(null), 4000);
    return () => clearTimeout(timer);
  }, [result]);

  async function copy() {
    try {
      // Clipboard access needs a secure context (https or localhost) and a user gesture, as here.
      await navigator.clipboard.writeText(text);
      setResult('copied');
    } catch {
      setResult('failed');
    }
  }

  return (
    <span className="copy">
      <button type="button" className="button button--secondary button--small" onClick={() => void copy()}>
        {label}
      </button>
      <span className={result === 'failed' ? 'live live--error' : 'live'} aria-live="polite">
        {result === 'copied' ? 'Copied.' : result === 'failed' ? 'Could not copy: select the text and copy it by hand.' : ''}
      </span>
    </span>
  );
}
