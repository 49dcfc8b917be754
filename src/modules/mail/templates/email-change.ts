import { compose, notice, type MailTemplate } from './layout';

/** To the new address: the change happens only when this link is used. */
export const emailChangeConfirm: MailTemplate = {
  needs: ['username', 'link', 'expiresIn', 'newEmail'],
  render: (d) =>
    compose(
      'Confirm your new e-mail address',
      [`Hello ${d.username},`, `Confirm that your tokengate account should use ${d.newEmail} from now on. The link works once, for ${d.expiresIn}.`, 'If you did not ask for this, ignore this mail: nothing changes.'],
      { url: String(d.link), label: 'Use this address' },
    ),
};

/** To the old address, when the change is asked for. */
export const emailChangeRequested = notice(
  'A change of your e-mail address was requested',
  'Someone signed in to your account {username} asked to move it to {newEmail}. It changes only if that address confirms it.',
  undefined,
  ['newEmail'],
);
