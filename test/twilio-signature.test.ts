import { describe, expect, it } from 'vitest';
import { classifySmsFailure, SmsRefused } from '../src/core/messaging/twilio.js';
import { twilioSignature, validTwilioSignature } from '../src/core/messaging/twilio-signature.js';
import { smsKeyword } from '../src/core/guest-sms/receive-sms.js';

// The example of Twilio's own signature-validation snippets (TwilioDevEd/api-snippets,
// security/signature_validation): token 12345, this URL and these parameters sign as below.
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS: Array<[string, string]> = [
  ['To', '+18005551212'],
  ['CallSid', 'CA1234567890ABCDE'],
  ['Digits', '1234'],
  ['Caller', '+14158675310'],
  ['From', '+14158675310'],
];

describe('Twilio request signatures', () => {
  it("match Twilio's documented example, whatever the order of the parameters", () => {
    expect(twilioSignature('12345', URL, PARAMS)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(validTwilioSignature('12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', URL, [...PARAMS].reverse())).toBe(true);
  });

  it('refuse another token, URL, parameter value, or no signature', () => {
    expect(validTwilioSignature('54321', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', URL, PARAMS)).toBe(false);
    expect(validTwilioSignature('12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', 'http://mycompany.com/myapp.php?foo=1&bar=2', PARAMS)).toBe(false);
    expect(validTwilioSignature('12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', URL, [...PARAMS.slice(1), ['To', '+18005551213']])).toBe(false);
    expect(validTwilioSignature('12345', undefined, URL, PARAMS)).toBe(false);
    expect(validTwilioSignature('12345', 'short', URL, PARAMS)).toBe(false);
  });
});

describe('SMS keywords and refusals', () => {
  it('reads opt-out and opt-in keywords only as the whole text', () => {
    expect(['STOP', ' stop. ', 'StopAll', 'stop all', 'UNSUBSCRIBE', 'cancel', 'End', 'quit!', 'optout', 'revoke'].map(smsKeyword)).toEqual(
      Array(10).fill('stop'),
    );
    expect(['START', 'unstop', 'Yes'].map(smsKeyword)).toEqual(['start', 'start', 'start']);
    expect(smsKeyword('help')).toBe('help');
    expect(smsKeyword('please stop the noise upstairs')).toBeUndefined();
    expect(smsKeyword('')).toBeUndefined();
  });

  it('suppress a number only for errors that name it; retry what may pass', () => {
    expect(classifySmsFailure(new SmsRefused(400, 21211, 'invalid To'))).toBe('number');
    expect(classifySmsFailure(new SmsRefused(400, 21614, 'not a mobile'))).toBe('number');
    expect(classifySmsFailure(new SmsRefused(400, 21602, 'body required'))).toBe('message');
    expect(classifySmsFailure(new SmsRefused(401, 20003, 'authenticate'))).toBe('retry');
    expect(classifySmsFailure(new SmsRefused(429, 20429, 'too many'))).toBe('retry');
    expect(classifySmsFailure(new SmsRefused(503, null, 'down'))).toBe('retry');
    expect(classifySmsFailure(new Error('ECONNREFUSED'))).toBe('retry');
  });
});
