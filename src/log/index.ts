export type { LogFormat, LogLine, LogFileInfo, LogInputSummary, LogSink, StepName } from './types.js';
export { readLogs, sniffKind, type ReadLogsOptions } from './inputs.js';
export { readLogArchive, planArchive, firstStepHeader } from './archive.js';
export { LineScanner, stripAnsi, sniffTextFormat, isMarkerText } from './scan.js';
