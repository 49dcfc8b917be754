import { useEffect, useRef, type ReactNode } from 'react';

/** An h2 that takes the focus when it appears (a form opened further down the page), so the keyboard lands there. */
export function FocusHeading({ id, children }: { id?: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h2 id={id} ref={ref} tabIndex={-1}>
      {children}
    </h2>
  );
}
