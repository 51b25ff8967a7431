import { expect } from 'chai';
import { chaptersOf, mediaTimeOf } from '../../server/live/media/recordingStore.ts';
import { sdpFor } from '../../server/live/media/ffmpeg.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, 0) + s * 1000);

describe('recording timeline (parts joined, chapters from pins)', () => {
  // Two parts: the host dropped at 10 s and came back at 15 s; the joined file is 10 + 8 = 18 s.
  const parts = [
    { startedAt: at(0), durationS: 10 },
    { startedAt: at(15), durationS: 8 },
  ];

  it('maps wall-clock moments into the joined recording, skipping the gap', () => {
    expect(mediaTimeOf(parts, at(-2))).to.equal(0);
    expect(mediaTimeOf(parts, at(4))).to.equal(4);
    expect(mediaTimeOf(parts, at(12))).to.equal(10); // in the gap: where the next part starts
    expect(mediaTimeOf(parts, at(17))).to.equal(12);
    expect(mediaTimeOf(parts, at(40))).to.equal(18);
  });

  it('makes one chapter per pinned stretch, ending at the next pin, the unpin or the end', () => {
    const pins = [
      { productId: 'cup', at: at(2) },
      { productId: 'vase', at: at(6) },
      { productId: null, at: at(17) },
      { productId: 'pot', at: at(20) },
    ];
    expect(chaptersOf(parts, pins, at(22))).to.deep.equal([
      { productId: 'cup', startS: 2, endS: 6 },
      { productId: 'vase', startS: 6, endS: 12 },
      { productId: 'pot', startS: 15, endS: 17 },
    ]);
  });

  it('drops a stretch shorter than half a second (a pin corrected at once)', () => {
    expect(
      chaptersOf(
        parts,
        [
          { productId: 'cup', at: at(3) },
          { productId: 'vase', at: at(3.2) },
        ],
        at(5),
      ),
    ).to.deep.equal([{ productId: 'vase', startS: 3.2, endS: 5 }]);
  });

  it("writes the SDP FFmpeg needs for a consumer's RTP (payload type, clock, RTCP port; no RTX)", () => {
    const sdp = sdpFor([
      {
        port: 47000,
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
        },
      },
      {
        port: 47002,
        kind: 'video',
        rtpParameters: {
          codecs: [
            { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
            { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
          ],
        },
      },
    ]);
    expect(sdp).to.include('m=audio 47000 RTP/AVP 100\r\na=rtcp:47001\r\na=rtpmap:100 opus/48000/2\r\na=fmtp:100 useinbandfec=1');
    expect(sdp).to.include('m=video 47002 RTP/AVP 101\r\na=rtcp:47003\r\na=rtpmap:101 VP8/90000');
    expect(sdp).not.to.include('rtx');
  });
});
