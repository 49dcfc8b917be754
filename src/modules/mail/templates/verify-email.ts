import { compose, type MailTemplate } from './layout';

export const verifyEmail: MailTemplate = {
  needs: ['username', 'link', 'expiresIn'],
  render: (d) =>
    compose(
      'Confirm your e-mail address',
      [`Hello ${d.username},`, `Confirm that this address belongs to your tokengate account. The link works once, for ${d.expiresIn}.`, 'If you did not ask for this, ignore this mail.'],
      { url: String(d.link), label: 'Confirm my address' },
    ),
};
