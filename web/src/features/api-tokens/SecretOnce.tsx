import { useEffect, useRef, useState } from 'react';
import { Button } from '../../components/Button';

/** The new token's secret, this once (only its hash is stored): a read-only field to select, and a copy button. */
export function SecretOnce({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused the clipboard: select the field and copy it yourself.');
    }
  };
  return (
    <section className="secret-once" aria-labelledby="secret-title">
      <h3 id="secret-title" ref={heading} tabIndex={-1}>
        Your new token “{name}”
      </h3>
      <p>Copy it now: it is shown this once and cannot be read again. Send it as <code>Authorization: Bearer …</code>.</p>
      <label htmlFor="secret-value">Token</label>
      <input id="secret-value" readOnly value={token} data-testid="new-token" spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
      <div className="actions">
        <Button variant="primary" onClick={() => void copy()}>
          Copy the token
        </Button>
        <Button onClick={onDone}>I have saved it</Button>
      </div>
      <p role="status">{copied}</p>
    </section>
  );
}
