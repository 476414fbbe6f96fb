export type { LogFormat, LogLine, LogFileInfo, LogInputSummary, LogSink } from './types.js';
export { readLogs, sniffKind, type ReadLogsOptions } from './inputs.js';
export { readLogArchive } from './archive.js';
export { LineScanner, stripAnsi, sniffTextFormat, isMarkerText } from './scan.js';
