import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const RECORDING_STATUSES = ['recording', 'processing', 'ready', 'failed', 'pruned'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/**
 * One live session's recording. Written only by the recorder of the process that holds the session's
 * media room (one writer), so plain updates are safe on FerretDB.
 * Times of parts and pins are wall-clock; chapters and clips are in seconds of the joined recording.
 */
const recordingSchema = new Schema(
  {
    sessionId: { type: Schema.Types.ObjectId, ref: 'LiveSession', required: true, unique: true },
    status: { type: String, enum: RECORDING_STATUSES, default: 'recording' },
    /** One FFmpeg run per unbroken stretch of host media; a reconnect or a new producer starts the next part. */
    parts: {
      type: [{ _id: false, file: String, startedAt: Date, durationS: Number }],
      default: [],
    },
    /** Every pin (productId) and unpin (null) while recording, in order. */
    pins: { type: [{ _id: false, productId: { type: String, default: null }, at: Date }], default: [] },
    chapters: { type: [{ _id: false, productId: String, startS: Number, endS: Number }], default: [] },
    clips: { type: [{ _id: false, productId: String, file: String, durationS: Number, startS: Number }], default: [] },
    /** Clips cut while live (live-clips/), shown until the replay's own clips replace them. */
    liveClips: { type: [{ _id: false, productId: String, file: String, durationS: Number, startS: Number }], default: [] },
    durationS: { type: Number, default: null },
    bytes: { type: Number, default: 0 },
    endedAt: { type: Date, default: null },
    /** The last problem (FFmpeg exit, processing failure), shown on the session; never stops the live session. */
    error: { type: String, default: null },
    prunedAt: { type: Date, default: null },
  },
  { collection: 'live_recordings', timestamps: true },
);
recordingSchema.index({ createdAt: 1 });
recordingSchema.index({ status: 1 });
// Retention and the disk budget walk finished recordings oldest first (recordingStore.ts).
recordingSchema.index({ status: 1, createdAt: 1 });

export type Recording = InferSchemaType<typeof recordingSchema>;
export const RecordingModel = mongoose.model('LiveRecording', recordingSchema);
