/** A minimal, self-contained HTML page for the few answers a person sees straight from the cloud. */
export function htmlPage(title: string, text: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1b1f29}h1{font-size:1.4rem}</style>
</head><body><main><h1>${escape(title)}</h1><p>${escape(text)}</p></main></body></html>`;
}
