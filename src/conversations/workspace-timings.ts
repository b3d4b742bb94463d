/**
 * The moments of a conversation's stretch with a person, told to the metrics
 * (kefu_handoff_wait_seconds, kefu_first_response_seconds, labelled by channel) once the
 * transaction that lived them has committed. The composition root implements it.
 */
export interface WorkspaceTimings {
  handoffWaited(channel: string, seconds: number): void;
  firstResponded(channel: string, seconds: number): void;
}
