import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { thumbprint } from '../modules/auth/keys';

/** `npm run keygen -- --alg ES256 --out ./keys`: a signing key pair for JWT_PRIVATE_KEY_FILE / JWT_VERIFY_KEY_FILES. */
function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { alg: { type: 'string', default: 'ES256' }, out: { type: 'string', default: './keys' } } });
  const alg = values.alg!.toUpperCase();
  if (alg !== 'ES256' && alg !== 'RS256') {
    process.stderr.write('--alg must be ES256 or RS256\n');
    return 64;
  }
  const { privateKey, publicKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 3072 });
  const kid = thumbprint(publicKey.export({ format: 'jwk' }));
  const dir = resolve(values.out!);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = join(dir, `${alg.toLowerCase()}-${kid.slice(0, 12)}`);
  if (existsSync(`${base}.private.pem`)) {
    process.stderr.write(`${base}.private.pem exists; refusing to overwrite\n`);
    return 1;
  }
  writeFileSync(`${base}.private.pem`, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  writeFileSync(`${base}.public.pem`, publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644 });
  process.stdout.write(
    `kid ${kid}\nJWT_ALGORITHM=${alg}\nJWT_PRIVATE_KEY_FILE=${base}.private.pem\n` +
      `# when rotating, list the previous public key so its tokens stay valid until they expire:\n# JWT_VERIFY_KEY_FILES=<previous>.public.pem\n`,
  );
  return 0;
}

process.exit(main(process.argv.slice(2)));
