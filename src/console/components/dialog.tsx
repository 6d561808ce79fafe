import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export interface DialogProps {
  title: string;
  /** Escape, the close button and the caller's own "Cancel" all end here. */
  onClose: () => void;
  children: ReactNode;
  /** A sentence under the title, read with it when the dialog opens. */
  description?: ReactNode;
  /** `wide` for dialogs holding tables or code. */
  size?: 'normal' | 'wide';
  /** While true, Escape and the close button do nothing (an action is under way). */
  busy?: boolean;
}

/**
 * Hides everything beside `keep` from assistive technology, and returns how to undo it. A modal
 * `<dialog>` already makes the page inert, but tools that read the accessibility tree (screen
 * readers in older browsers, Testing Library, Playwright) then still see the page's buttons beside
 * the dialog's: with `aria-hidden` they see the dialog alone, as a person does.
 */
function hideOutside(keep: Element): () => void {
  const hidden: Element[] = [];
  for (const element of Array.from(document.body.children)) {
    if (element === keep || element.contains(keep) || element.getAttribute('aria-hidden') === 'true') continue;
    if (element.tagName === 'SCRIPT') continue;
    element.setAttribute('aria-hidden', 'true');
    hidden.push(element);
  }
  return () => {
    for (const element of hidden) element.removeAttribute('aria-hidden');
  };
}

/**
 * A modal dialog: the native `<dialog>` opened with `showModal()` (focus stays inside, Escape
 * closes, the page behind is inert), rendered at the end of `<body>`. On open, focus goes to the
 * element marked `data-autofocus`, else to the title; on close, back to what had it (the button
 * that opened it), so keyboard users carry on where they were.
 */
export function Dialog({ title, onClose, children, description, size = 'normal', busy = false }: DialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [host] = useState(() => {
    const element = document.createElement('div');
    element.className = 'dialog-host';
    return element;
  });
  const onCloseRef = useRef(onClose);
  const busyRef = useRef(busy);
  useEffect(() => {
    onCloseRef.current = onClose;
    busyRef.current = busy;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    document.body.appendChild(host);
    const restore = hideOutside(host);
    // jsdom (tests) has no showModal; the `open` attribute shows the dialog there.
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    const first = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>('.dialog__title');
    first?.focus();
    return () => {
      restore();
      if (typeof dialog.close === 'function' && dialog.open) dialog.close();
      host.remove();
      // The opener may be gone (its row was deleted): the page's heading is the next best place.
      if (opener?.isConnected) opener.focus();
      else document.querySelector<HTMLElement>('main h1')?.focus();
    };
  }, [host]);

  return createPortal(
    <dialog
      ref={ref}
      className={size === 'wide' ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      aria-busy={busy || undefined}
      onCancel={(event) => {
        // Escape: React state decides whether the dialog is open, not the browser.
        event.preventDefault();
        if (!busyRef.current) onCloseRef.current();
      }}
    >
      <div className="dialog__header">
        <h2 id={titleId} className="dialog__title" tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="dialog__close" onClick={() => onClose()} disabled={busy} aria-label="Close dialog">
          ×
        </button>
      </div>
      {description && (
        <p id={descriptionId} className="muted">
          {description}
        </p>
      )}
      {children}
    </dialog>,
    host,
  );
}
