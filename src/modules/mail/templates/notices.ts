import { notice } from './layout';

// The security notices: one per account event in mail.notices.ts, each to the account's verified address.
export const passwordChanged = notice('Your password was changed', 'The password of your account {username} was changed, and its other sessions were ended.');
export const passwordResetDone = notice('Your password was reset', 'The password of your account {username} was reset with a link from a mail, and every session was ended.');
export const emailChanged = notice('Your e-mail address was changed', 'Your account {username} now uses the address {newEmail}; this address gets no more mail about it.', undefined, ['newEmail']);
export const accountDeactivated = notice('Your account was deactivated', 'Your account {username} was deactivated: it cannot sign in, and its sessions and API tokens were ended.', 'If you do not know why, ask your administrator.');
export const accountDeleted = notice('Your account was deleted', 'Your account {username} and its data were deleted.', 'If this was not you, tell your administrator at once: someone had your password.');
export const newSignIn = notice('New sign-in to your account', 'Your account {username} was signed in to from a device or network it has not used before.');
