/**
 * Puts focus on the page's heading (`PageTitle`) once the element that had it is gone (a card that closed
 * with its own button): otherwise focus falls to `<body>` and a keyboard or screen-reader user
 * starts over from the top of the document. After the next frame, when React has removed it.
 */
export function focusPageHeading(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('h1.page-title')?.focus());
}

/** The same for a field of the open dialog, by its name (a step of the dialog that closed). */
export function focusDialogField(name: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`dialog[open] [name="${name}"]`)?.focus());
}
