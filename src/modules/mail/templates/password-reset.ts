import { compose, type MailTemplate } from './layout';

export const passwordReset: MailTemplate = {
  needs: ['username', 'link', 'expiresIn'],
  render: (d) =>
    compose(
      'Reset your password',
      [
        `Hello ${d.username},`,
        d.byAdmin ? 'An administrator sent you this link to set a new password for your tokengate account.' : 'Someone (we hope you) asked to reset the password of your tokengate account.',
        `The link works once, for ${d.expiresIn}; setting a new password signs you out everywhere else.`,
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ],
      { url: String(d.link), label: 'Choose a new password' },
    ),
};
