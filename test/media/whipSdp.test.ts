import { expect } from 'chai';
import * as sdpTransform from 'sdp-transform';
import type { types as ms } from 'mediasoup';
import { getSupportedRtpCapabilities } from 'mediasoup';
import { MEDIA_CODECS } from '../../server/live/media/mediaConfig.ts';
import { WhipOfferError, readWhipOffer, whipAnswer } from '../../server/live/media/whipSdp.ts';

/** The router's capabilities as mediasoup builds them from MEDIA_CODECS (feedback and extensions from its supported list). */
function routerCaps(): ms.RtpCapabilities {
  const supported = getSupportedRtpCapabilities();
  const codecs = MEDIA_CODECS.map((c, i) => {
    const s = supported.codecs!.find((x) => x.mimeType.toLowerCase() === c.mimeType.toLowerCase())!;
    return { ...c, preferredPayloadType: 100 + i, rtcpFeedback: s.rtcpFeedback } as ms.RtpCodecCapability;
  });
  return { codecs, headerExtensions: supported.headerExtensions };
}

const lines = (...l: string[]) => `${l.join('\r\n')}\r\n`;

// What OBS 30's WHIP output (libdatachannel) offers: Opus and H.264, bundled, ssrc per track.
const OBS_OFFER = lines(
  'v=0',
  'o=rtc 3201331234 0 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=msid-semantic:WMS *',
  'a=setup:actpass',
  'a=ice-ufrag:Wq2d',
  'a=ice-pwd:9UPZzXUuLa2hYcKXqkRDnI',
  'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 5E:4D:A7:1D:00:7A:3F:BB:8C:43:E5:7D:0F:FB:52:A8:9D:90:5B:E2:3E:93:8B:3B:2F:D6:12:7C:8D:03:69:10',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendonly',
  'a=ssrc:1234 cname:obs',
  'a=ssrc:1234 msid:obs obs-audio',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=sendonly',
  'a=ssrc:5678 cname:obs',
  'a=ssrc:5678 msid:obs obs-video',
  'a=rtcp-mux',
  'a=rtpmap:96 H264/90000',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtcp-fb:96 goog-remb',
  'a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
);

// A simulcast encoder (three rids), with VP8 + RTX, a data channel section and a second video it cannot take.
const SIMULCAST_OFFER = lines(
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE v a d',
  'a=fingerprint:SHA-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98',
  'c=IN IP4 0.0.0.0',
  'a=mid:v',
  'a=sendonly',
  'a=setup:actpass',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:9 urn:example:unknown-extension',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP9/90000',
  'a=rtpmap:97 VP8/90000',
  'a=rtcp-fb:97 nack',
  'a=rtcp-fb:97 nack pli',
  'a=rtcp-fb:97 ccm fir',
  'a=rtcp-fb:97 transport-cc',
  'a=rtpmap:98 rtx/90000',
  'a=fmtp:98 apt=97',
  'a=rid:q send',
  'a=rid:h send',
  'a=rid:f send',
  'a=simulcast:send q;h;~f',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:a',
  'a=sendonly',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=ssrc:42 cname:x',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=mid:d',
  'a=sctp-port:5000',
);

const local = {
  iceParameters: { usernameFragment: 'hubufrag', password: 'hubpassword0123456789', iceLite: true },
  iceCandidates: [
    { foundation: 'udpcandidate', priority: 1076302079, address: '127.0.0.1', ip: '127.0.0.1', protocol: 'udp', port: 40000, type: 'host' },
    {
      foundation: 'tcpcandidate',
      priority: 1076276479,
      address: '127.0.0.1',
      ip: '127.0.0.1',
      protocol: 'tcp',
      port: 40000,
      type: 'host',
      tcpType: 'passive',
    },
  ],
  dtlsParameters: {
    role: 'auto',
    fingerprints: [
      { algorithm: 'sha-256', value: '11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF' },
    ],
  },
} as unknown as Parameters<typeof whipAnswer>[1];

describe('WHIP SDP translation (offer → mediasoup parameters → answer)', () => {
  it('takes an OBS-style Opus + H.264 offer and answers receive-only on the ICE-lite transport', () => {
    const offer = readWhipOffer(OBS_OFFER, routerCaps());
    expect(offer.iceParameters).to.deep.equal({ usernameFragment: 'Wq2d', password: '9UPZzXUuLa2hYcKXqkRDnI' });
    expect(offer.dtlsParameters.role).to.equal('client');
    expect(offer.dtlsParameters.fingerprints[0]!.algorithm).to.equal('sha-256');
    const [audio, video] = offer.accepted;
    expect(audio!.kind).to.equal('audio');
    expect(audio!.rtpParameters.codecs[0]).to.include({ mimeType: 'audio/opus', payloadType: 111, channels: 2 });
    expect(audio!.rtpParameters.encodings).to.deep.equal([{ ssrc: 1234 }]);
    expect(audio!.rtpParameters.rtcp).to.deep.equal({ cname: 'obs', reducedSize: false });
    expect(video!.rtpParameters.codecs[0]).to.include({ mimeType: 'video/H264', payloadType: 96 });
    expect(video!.rtpParameters.codecs[0]!.parameters).to.include({ 'packetization-mode': 1 });
    expect(video!.rtpParameters.codecs[0]!.rtcpFeedback!.map((f) => `${f.type} ${f.parameter ?? ''}`.trim())).to.include.members([
      'nack',
      'nack pli',
      'goog-remb',
    ]);

    const answer = sdpTransform.parse(whipAnswer(offer, local));
    expect(answer.icelite).to.equal('ice-lite');
    expect(answer.groups!.map((g) => [g.type, String(g.mids)])).to.deep.equal([['BUNDLE', '0 1']]);
    expect(answer.media.map((m) => [m.type, String(m.mid), m.direction, m.setup, String(m.payloads)])).to.deep.equal([
      ['audio', '0', 'recvonly', 'passive', '111'],
      ['video', '1', 'recvonly', 'passive', '96'],
    ]);
    expect(answer.media[1]!.candidates!.map((c) => `${c.transport} ${c.ip} ${c.port} ${c.tcptype ?? ''}`.trim())).to.deep.equal([
      'udp 127.0.0.1 40000',
      'tcp 127.0.0.1 40000 passive',
    ]);
    expect(answer.media[0]!.iceUfrag).to.equal('hubufrag');
    expect(answer.fingerprint!.type).to.equal('sha-256');
  });

  it('takes rid simulcast with RTX, keeps known header extensions, rejects sections it cannot receive', () => {
    const offer = readWhipOffer(SIMULCAST_OFFER, routerCaps());
    expect(offer.accepted.map((a) => a.mid)).to.deep.equal(['v', 'a']);
    const video = offer.accepted[0]!;
    // VP9 is not on the router: VP8 (and its RTX) is chosen.
    expect(video.rtpParameters.codecs.map((c) => `${c.mimeType}/${c.payloadType}`)).to.deep.equal(['video/VP8/97', 'video/rtx/98']);
    expect(video.rtpParameters.encodings).to.deep.equal([{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }]);
    expect(video.rtpParameters.headerExtensions!.map((e) => e.id)).to.deep.equal([4, 10, 11, 3]);
    expect(video.rtpParameters.rtcp!.reducedSize).to.equal(true);
    expect(offer.dtlsParameters.fingerprints[0]!.algorithm).to.equal('sha-256');

    const answer = sdpTransform.parse(whipAnswer(offer, local));
    expect(answer.groups![0]!.mids).to.equal('v a');
    expect(answer.media[0]!.simulcast).to.deep.include({ dir1: 'recv', list1: 'q;h;f' });
    expect(answer.media[0]!.rids!.map((r) => `${r.id} ${r.direction}`)).to.deep.equal(['q recv', 'h recv', 'f recv']);
    expect(answer.media[0]!.ext!.map((e) => e.uri)).to.not.include('urn:example:unknown-extension');
    expect(answer.media[2]).to.include({ type: 'application', port: 0, mid: 'd' });
  });

  it('refuses offers it cannot use, naming why', () => {
    const caps = routerCaps();
    expect(() => readWhipOffer('hello', caps)).to.throw(WhipOfferError, /v=0/);
    expect(() => readWhipOffer(OBS_OFFER.replace(/a=fingerprint:[^\r]+\r\n/, ''), caps)).to.throw(WhipOfferError, /fingerprint/);
    expect(() => readWhipOffer(OBS_OFFER.replace(/a=ssrc:5678[^\r]+\r\n/g, ''), caps)).to.throw(WhipOfferError, /a=ssrc/);
    expect(() => readWhipOffer(OBS_OFFER.replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0'), caps)).to.throw(WhipOfferError, /BUNDLE/);
    const onlyHigh = OBS_OFFER.replace('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'm=audio 0 UDP/TLS/RTP/SAVPF 111').replace(
      'profile-level-id=42e01f',
      'profile-level-id=640032',
    );
    expect(() => readWhipOffer(onlyHigh, caps)).to.throw(WhipOfferError, /no audio or video section/);
  });
});
