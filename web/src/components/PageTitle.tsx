import { useEffect, useRef, type ReactNode } from 'react';

/** The page's h1 and the document title. It takes focus when the page opens, so keyboard and screen-reader users start at the new content. */
export function PageTitle({ id, children }: { id?: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
    document.title = `${ref.current?.textContent ?? ''} · tokengate`;
  }, []);
  return (
    <h1 id={id} ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
