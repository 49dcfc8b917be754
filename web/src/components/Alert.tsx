import type { ReactNode } from 'react';

/** An error is announced at once (role=alert); a notice politely (role=status). */
export function Alert({ kind = 'error', children }: { kind?: 'error' | 'notice'; children: ReactNode }) {
  return (
    <div className={`alert ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
