import { ok, PASSWORD } from './shop';
import { createTestServer, type TestServer } from './server';
import { TestSmtp } from './smtp';

export const PUBLIC_URL = 'http://app.test';
export const REGISTER_EMAIL = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken sessionId user { id username } } }`;
export const VERIFY = `mutation ($token: String!) { verifyEmail(token: $token) { id username } }`;
export const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
export const RESET = `mutation ($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) { accessToken refreshToken sessionId user { id username } } }`;
export const SEND_VERIFICATION = `mutation { sendEmailVerification }`;
export const CHANGE_EMAIL = `mutation ($email: String!, $password: String!) { changeEmail(newEmail: $email, currentPassword: $password) }`;
export const SEND_RESET = `mutation ($userId: ID!) { sendPasswordReset(userId: $userId) }`;
export const ME_EMAIL = `{ me { id email emailVerified } }`;
export const NEW_PASSWORD = 'a brand new passphrase 42';

export interface MailWorld {
  server: TestServer;
  smtp: TestSmtp;
}

/** A test server sending to a test SMTP server. */
export async function mailWorld(env: Record<string, string> = {}): Promise<MailWorld> {
  const smtp = await TestSmtp.start();
  const server = await createTestServer({ SMTP_URL: smtp.url, PUBLIC_URL, MAIL_FROM: 'tokengate <auth@app.test>', ...env });
  return { server, smtp };
}

/** Registers with an address; the verification mail is the next to arrive. */
export async function registerWithEmail(server: TestServer, username: string, email: string, password = PASSWORD): Promise<any> {
  return ok(server.gql(REGISTER_EMAIL, { input: { username, password, email } }), 'register');
}

/** Registers and verifies (the link from the mail), returning the session. */
export async function verifiedAccount(world: MailWorld, username: string, email: string): Promise<any> {
  const before = world.smtp.mails.length;
  const session = await registerWithEmail(world.server, username, email);
  const mine = (m: { to: string; subject: string }) => m.to.toLowerCase() === email.toLowerCase() && m.subject === 'Confirm your e-mail address';
  for (let n = before + 1; !world.smtp.mails.slice(before).some(mine); n++) await world.smtp.waitFor(n);
  const mail = world.smtp.mails.slice(before).find(mine)!;
  await ok(world.server.gql(VERIFY, { token: mail.token }), 'verifyEmail');
  await world.server.app.services.events.flush();
  return session;
}

/** Lets the worker and the listeners finish what is due now. */
export async function settle(server: TestServer): Promise<void> {
  await server.app.services.events.flush();
  await server.app.mailWorker?.run();
  await server.app.services.events.flush();
  await server.app.mailWorker?.run();
}
