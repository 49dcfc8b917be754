import { deviceName } from '../../../src/modules/mail/mail.notices';

describe('the device named in a sign-in notice', () => {
  it('carries no link, address or control character a client could plant, and stays short', () => {
    const name = deviceName('Mozilla/5.0 Chrome/156 Confirm your identity at https://evil.example/verify or mail help@evil.example\r\nBcc: x')!;
    expect(name).not.toMatch(/https?:|evil\.example|@|[\r\n]/);
    expect(name).toContain('Mozilla/5.0 Chrome/156'); // versions stay readable
    expect(deviceName('x'.repeat(600))!.length).toBeLessThanOrEqual(120);
    expect(deviceName(null)).toBeNull();
  });
});
