import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';

/** New recovery codes, shown once: copy them, download them as a text file, or write them down. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState<string | null>(null);
  const text = `tokengate recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Copying is not allowed here: select the codes and copy them, or download them.');
    }
  };
  return (
    <section className="recovery-codes" aria-labelledby="recovery-codes-title">
      <h3 id="recovery-codes-title">Your recovery codes</h3>
      <Alert kind="notice">Save these now: they are shown only this once. Each one signs you in once if you lose your authenticator.</Alert>
      <ol className="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <Button onClick={() => void copy()}>Copy codes</Button>{' '}
      <a className="button secondary" href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download="tokengate-recovery-codes.txt">
        Download codes
      </a>
      {copied && <p role="status">{copied}</p>}
    </section>
  );
}
