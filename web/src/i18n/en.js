// English catalogue.  Student field labels fall back to the field key.
export default {
  app: { name: 'Student Registry', short: 'xueji', title: 'xueji Student Registry' },
  region: {
    placeholder: 'Pick level by level (province/city/county/township)', search: 'Type a name to search'
  },
  common: {
    yes: 'Yes', no: 'No', search: 'Search', reset: 'Reset', all: 'All', loading: 'Loading…', save: 'Save', cancel: 'Cancel',
    confirm: 'OK', back: 'Back', edit: 'Edit', none: 'None', total: '{n} in total', notFound: 'Not found or not in your scope',
    error: 'Error', retry: 'Retry', select: 'Select', view: 'View', open: 'Open', noData: 'No data'
  },
  lang: { zh: '中文', en: 'English', switch: 'Language' },
  role: { admin: 'Administrator', bureau: 'Education bureau', registrar: 'Registrar', teacher: 'Class teacher' },
  nav: { zones: 'Feeders and zones', allocation: 'Allocation', intake: 'Incoming', settings: 'Change settings', sysSettings: 'System settings', suspensions: 'Suspension follow-up', flows: 'Student flows', todo: 'To-do', transferIn: 'Transfer in', yearEnd: 'Year-end', home: 'Overview', schools: 'Schools', mySchool: 'My school', students: 'Students', register: 'Register', import: 'Import', audit: 'Audit log', users: 'Users', duplicates: 'Duplicates', codes: 'Code tables', dropout: 'Dropout cases', dropoutLedger: 'Dropout ledger', attendance: 'Attendance', classSizes: 'Class sizes', verification: 'Verification', ghosts: 'Ghost records' },
  vf: {
    title: 'Semester verification', round: 'School year {y}, term {t}', klass: 'Class', student: 'Student', registryNo: 'Registry no.',
    present: 'In class', correct: 'Details correct', state: 'State', actions: 'Correction',
    help: 'Check every enrolled student of each class this semester: tick "in class" and "details correct". A wrong detail needs a started correction: "Edit record" opens the record, save it there, then click "Edited"; or "Start change" submits a change request. Keyboard: ↑↓ choose a student, space or p toggles in class, c toggles details correct, a marks the whole class, Ctrl+S saves.',
    allOk: 'Whole class in class and correct', save: 'Save', saved: 'Saved the verification of {n} students', unsaved: '{n} students not saved',
    edit: 'Edit record', edited: 'Edited', startChange: 'Start change', changeStarted: 'Change request {id} started',
    settled: 'Verified', pendingFix: 'Correction needed', notTicked: 'Not verified', corrEdit: 'Record edited', corrChange: 'Change {id} requested',
    classDone: 'Class done', classOpen: 'Class not done', done: 'Done', notDone: 'Not done', late: 'Late',
    progress: 'Progress', schools: 'School', classes: 'Classes (done/total)', students: 'Students (verified/total)', verified: 'In class and correct',
    deadline: 'Deadline', setDeadline: 'Set deadline', deadlineSaved: 'Deadline saved', county: 'County', onlyOpen: 'Unfinished only',
    totals: 'Schools done {done}/{n}, late {late}; classes done {cd}/{c}; students verified {s}/{st}',
    sweepRunning: 'Sweeping: {done} / {n} students checked (registrations and changes go on meanwhile)', sweepFailed: 'The sweep did not finish ({state}) {code}',
    sweepLast: 'Last sweep: {at} by {by}, {state}; {students} students checked, {raised} new leads, {updated} updated',
    sweepState: { running: 'running', done: 'done', failed: 'failed', interrupted: 'interrupted by a server restart; sweep again' },
    ghosts: 'Ghost-record leads', sweep: 'Sweep now', swept: 'Checked {students} students: {raised} new leads, {updated} updated',
    open: 'Open', confirmed: 'Confirmed', dismissed: 'Dismissed', signals: 'Signals', raisedAt: 'Found', school: 'School',
    confirm: 'Confirm and start change', dismiss: 'Dismiss', reason: 'Reason', reasonPh: 'What was found (required)', needReason: 'Give a reason',
    changeType: 'Change to start', confirmedOk: 'Confirmed; change request {id} started', dismissedOk: 'Dismissed',
    decided: 'Decided by {by} at {at}: {reason}',
    sig: { no_presence: 'No attendance or verification mark all term (class has attendance)', unverified: 'Not verified after the deadline', guardian_shared: 'Guardian phone or ID shared with a student enrolled at another school', far_from_home: 'Household and residence outside the school\'s county' },
    ct: { cancel: 'Cancel (false or ghost record)', leave: 'Left without procedure' }
  },
  att: {
    title: 'Attendance', klass: 'Class', school: 'School', student: 'Student', registryNo: 'Registry no.', prevWeek: 'Previous week', nextWeek: 'Next week',
    save: 'Save', saved: 'Saved, {n} changes', help: 'Click a cell to cycle sick → personal → unexcused → present; keyboard: arrows move, 1/2/3 (or s/p/u) set sick/personal/unexcused (full day), h switches full/morning/afternoon, 0 or Delete marks present. Save sends everything at once, all or nothing.',
    short: { sick: 'S', personal: 'P', unexcused: 'U' }, half: { am: '½am', pm: '½pm' },
    wd: { 0: 'Sun', 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat' },
    imp: {
      title: 'Import absences', help: 'CSV or XLSX with the columns 学籍号 (or 身份证件号), 日期, 时段 (全天/上午/下午) and 原因 (病假/事假/旷课). By default the file is imported only when every row is valid; tick the box to import the valid rows and list the others row by row.',
      validOnly: 'Import valid rows only', run: 'Import', done: '{entries} rows, {changed} changes recorded, {skipped} rows skipped', refused: 'Nothing imported (all or nothing):'
    },
    suspects: 'Suspected dropouts and dropouts (consecutive unexcused school days, term total)', show: 'Show', noSuspects: 'No student at a threshold', level: 'Level',
    lv: { suspected: 'Suspected', dropout: 'Dropout' }, streak: 'Longest run', current: 'Current run', termDays: 'Term total',
    terms: 'Terms of {county}, school year {year}', term1: 'Term 1', term2: 'Term 2', schoolDays: '{n} school days', saveTerms: 'Save terms', termsSaved: 'Terms saved', defaults: '(default terms)'
  },
  dup: {
    title: 'Suspected duplicate records', open: 'Open', confirmedTab: 'Confirmed', dismissedTab: 'Dismissed', county: 'County code',
    scan: 'Scan the county', scanRunning: 'Scanning {county}; registration and edits go on meanwhile…', scanFailed: 'The scan did not finish ({code}); try again later', scanDone: 'Scan done: {groups} same-name-and-birth groups, {pairs} new pairs, {guardians} guardian IDs shared by too many children',
    field: 'Item', recordA: 'Record A', recordB: 'Record B', same: 'same', differs: 'differs',
    confirm: 'Confirm (cancel the wrong record)', dismiss: 'Dismiss (different people)', whichWrong: 'Which record is wrong and is to be cancelled?',
    reason: 'Reason (required)', needReason: 'Please give a reason', confirmed: 'Cancellation requested (request {id})', dismissed: 'Dismissed',
    merge: 'Merge (same person)', whichSurvives: 'Which record is kept (it keeps its registry number)?',
    mergeNote: 'The other record is cancelled (reason: merge); its changes, former numbers and other history join the kept record, never deleted or rewritten.',
    whichSchool: 'Both records are enrolled at different schools: which school keeps the student?', needKeepSchool: 'Choose the school that keeps the student',
    merged: 'Merged', fromMerged: 'From merged record {no}',
    f: {
      registry_no: 'Registry no.', name: 'Name', gender: 'Gender', birth_date: 'Birth date', id_no: 'ID number', school_name: 'School',
      grade_label: 'Grade', class_name: 'Class', status: 'Status', g1_name: 'Member 1', g1_phone: 'Member 1 phone',
      g2_name: 'Member 2', g2_phone: 'Member 2 phone'
    }
  },
  login: {
    title: 'Log in', subtitle: 'Student Registry', username: 'User name', password: 'Password', submit: 'Log in',
    needUser: 'Enter the user name', needPassword: 'Enter the password', intranet: 'For the education intranet only', failed: 'Log-in failed'
  },
  top: { logout: 'Log out', loggedOut: 'Logged out', sessionExpired: 'Session expired, please log in again', password: 'Change password' },
  pw: {
    title: 'Change password', old: 'Current password', new: 'New password', again: 'New password again', needOld: 'Enter your current password',
    rule: 'At least 10 characters, not containing the user name, not a common password', mismatch: 'The two new passwords differ',
    done: 'Password changed; your log-ins elsewhere have ended'
  },
  users: {
    title: 'Users', add: 'New user', username: 'User name', displayName: 'Name', role: 'Role', scope: 'Jurisdiction',
    status: 'Status', enabled: 'Active', disabled: 'Disabled', actions: 'Actions', edit: 'Edit', disable: 'Disable', enable: 'Enable',
    reset: 'Reset password', password: 'Initial password', newPassword: 'New password', region: 'Region code',
    school: 'School', classes: 'Classes taught', created: 'User {name} created', saved: 'Saved', resetDone: 'Password reset; the user must log in again',
    disableConfirm: 'The user is logged out at once and can no longer log in. Continue?', disabledMsg: 'Disabled', enabledMsg: 'Enabled',
    forbidden: 'You may not manage users'
  },
  dash: {
    asof: 'As of', today: 'Today', sept1: '1 September', asofNote: 'as of {date}',
    enrolled: 'Enrolled', male: 'Male', female: 'Female', gender: 'Gender', largeClasses: 'Large classes',
    suspected: 'Suspected dropouts', dropout: 'Dropouts', absentStudents: 'Students with absences', absenceRate: 'Absence rate',
    duplicates: 'Duplicates to review', classes: 'Classes', byGrade: 'Enrolled by grade and gender', bands: 'Class-size bands (classes)',
    unit: 'Unit', listOf: '{n} students', export: 'Export to Excel', case: 'Dropout case', openCase: 'Open case',
    band: { normal: 'Normal', large_ish: 'Largish', large: 'Large', super: 'Oversized' },
    units: { province: 'Provinces', city: 'Cities', county: 'Counties', school: 'Schools', class: 'Classes' },
    ghosts: 'Ghost records to review',
    vf: {
      title: 'Verification progress', round: '{y} school year, term {t}', students: 'To verify', settled: 'Settled', verified: 'Verified',
      corrected: 'Wrong detail, correction started', pending: 'Not yet verified', schools: 'Schools done {done}/{n}', late: '{n} late',
      classes: 'Classes done {done}/{n}', byUnit: 'By unit (click for the students)'
    },
    fl: {
      title: 'Moves this school year', range: '{from} to {to}', followup: '{n} left without a completed procedure', byType: 'By type (click a figure for the students)',
      total: 'Total'
    }
  },
  home: {
    welcome: 'Welcome, {name}', scope: 'Scope', schools: 'Schools', students: 'Students', classes: 'Classes',
    byGrade: 'Students per grade', bySchool: 'Students per school', quick: 'Shortcuts'
  },
  school: {
    list: 'Schools', code: 'Code', name: 'Name', stage: 'Stage', township: 'Township', county: 'County',
    urbanRural: 'Urban/rural', classCount: 'Classes', studentCount: 'Students', q: 'School name or code', info: 'School',
    classes: 'Classes', grades: 'Students per grade', students: 'Students', classesN: 'Classes', viewStudents: 'Students'
  },
  urbanRural: { 1: 'Urban', 2: 'Town', 3: 'Rural' },
  klass: { grade: 'Grade', name: 'Class', headTeacher: 'Head teacher', headCount: 'Students', schoolYear: 'School year' },
  student: {
    list: 'Students', q: 'Name, or a full ID / registry no.', qHint: 'Searching by ID or registry number needs the whole number (18-digit ID or 19-character registry number), never a part; each search by number is recorded in the audit log and limited per minute', school: 'School', grade: 'Grade', klass: 'Class', status: 'Status',
    registryNo: 'Registry no.', name: 'Name', gender: 'Gender', birthDate: 'Birth date', idNo: 'ID no.', dup: 'Possible duplicate',
    record: 'Student record', reveal: 'Show full details', revealTitle: 'Show full details',
    revealConfirm: 'This shows the ID numbers, registry number or phone numbers of this student that you may see in full. The action is recorded in the audit log. Continue?',
    revealed: 'Full details shown; the action was recorded in the audit log', revealNote: 'ID, registry and phone numbers are masked',
    revealedNote: 'Full details shown (recorded in the audit log)', events: 'History', noEvents: 'No changes yet',
    aliases: 'Former registry numbers', version: 'Version', created: 'Created', updated: 'Updated',
    editTitle: 'Edit record', editNote: 'Name, gender, birth date, ID type, ID number and registry number are key fields and change only through a workflow.',
    onlyDup: 'Possible duplicates only', onlyWarned: 'With warnings only', graduatedYear: 'Graduates (by year)', graduatedOpt: 'Graduates of {y}', outcome: 'Outcome', graduatedNote: 'Graduates are listed by the school they graduated from, with their current school and status; this list cannot be exported', maskedHint: 'Shown masked; to change it, type the whole new number', saved: 'Saved', conflict: 'Someone else changed this record; it was reloaded, please check and save again.', noChanges: 'Nothing changed'
  },
  codes: { title: 'Code tables', search: 'Search by code or name', print: 'Print', code: 'Code', name: 'Name', count: '{n} codes', flag: 'Yes/no' },
  move: { button: 'Move class', title: 'Move to another class (same school and grade)', from: 'Current class', to: 'New class', reason: 'Reason', needClass: 'Choose the new class', needReason: 'Give the reason for the move', done: 'Moved; recorded in the history', noClass: 'No other class of this grade at this school' },
  group: { basic: 'Basic', identity: 'Identity', enrolment: 'Enrolment', contact: 'Family and contact', other: 'Other', g1: 'Family member 1', g2: 'Family member 2' },
  event: {
    change: {
      requested: 'Change requested', step: { approved: 'Step approved', rejected: 'Step rejected', returned: 'Returned for correction' }, withdrawn: 'Request withdrawn', resubmitted: 'Request resubmitted',
      transfer_in: 'Transfer applied', suspend: 'Suspension applied', resume: 'Resumption applied', withdraw: 'Withdrawal applied', repeat: 'Repeat applied', skip: 'Skip applied',
      abroad: 'Abroad applied', death: 'Death applied', graduate: 'Graduation applied', correct: 'Correction applied', cancel: 'Cancellation applied', leave: 'Left (no procedure) applied'
    },
    yearend: { promote: 'Year-end promotion', graduate: 'Graduated (year-end)', rollback: 'Year-end rolled back', primary_completed: 'Primary completed (nine-year school)' },
    progress: { promote: 'Moved up a stage', reenter: 'Record re-opened' }, duplicate: { review: 'Duplicate review' }, warning: { confirm: 'Warning confirmed' },
    dropout: { opened: 'Dropout case opened', entry: 'Dropout case entry', stage: 'Declared a dropout', closed: 'Dropout case closed', reopened: 'Dropout case reopened' }, move_class: 'Class move',
    create: 'Registered', created: 'Registered', register: 'Registered', registered: 'Registered', update: 'Changed', updated: 'Changed',
    reveal: 'Full details viewed', gen: 'Generated', transfer: 'Transfer', status: 'Status change', import: 'Imported', merge: 'Merged', delete: 'Deleted'
  },
  warn: {
    title: 'Warnings', field: 'Item', message: 'Detail', state: 'State', open: 'Open', confirmed: 'Confirmed',
    confirmedBy: 'Confirmed by {by} at {at}: {reason}', confirm: 'Confirm', confirmTitle: 'Confirm the warning (the data is right)',
    reason: 'Reason (required, e.g. checked against the household register)', needReason: 'Please give a reason', done: 'Confirmed'
  },
  register: {
    idMismatch: '{fields} disagree(s) with the ID number; please check',
    title: 'Register a new student', school: 'School', klass: 'Class', submit: 'Register', reset: 'Clear', required: 'Required',
    requiredMsg: '{label} is required', success: 'Registered', registryNo: 'Registry no.', openRecord: 'Open the record',
    another: 'Register another', dupWarn: 'Possible duplicate: same name, birth date and guardian phone as the students below; please check',
    failed: 'Not registered', fixBelow: 'Please correct the fields marked in red', pickSchool: 'Select a school first',
    hint: 'Fields marked * are required'
  },
  imp: {
    template: 'Download template (XLSX)',
    title: 'Bulk import', file: 'File', drop: 'Drop a CSV or Excel (.xlsx) file here, or', pick: 'choose a file',
    tip: '.csv (UTF-8 or GB18030) and .xlsx; the first row holds the column names (see "Columns" below).',
    validOnly: 'Import only the valid rows', validOnlyHelp: 'Unticked: one bad row stops the whole file',
    createClasses: 'Create missing classes', createClassesHelp: 'Classes named in the file that the school lacks are created',
    sheet: 'Sheet', sheetPh: 'XLSX sheet name (optional; default the first)',
    check: 'Check file', start: 'Import', needFile: 'Choose a file first', badType: 'Only .csv and .xlsx files',
    columns: 'Columns', columnsHelp: 'Columns may be named in Chinese or by field key; * marks required columns.',
    job: 'Import #{id}', dryRun: 'Check only', status: 'Status', progress: 'Progress', rows: '{done} / {total} rows',
    rowsNoTotal: '{done} rows done', speed: '{n} rows/s', eta: 'about {t} left', cancel: 'Cancel', cancelConfirm: 'Cancel this import?',
    cancelled: 'Cancellation requested', imported: 'Imported', rejected: 'Rejected', already: 'Already present (skipped)', total: 'Rows',
    dryImported: 'Importable', validRows: 'Valid rows', errors: 'Errors', errorsMore: 'Only the first {n} are shown; the report lists all', report: 'Download the error report',
    noErrors: 'No errors found', row: 'Row', column: 'Column', value: 'Value', message: 'Message',
    warnings: 'Notes', unknownColumns: 'Unknown columns, ignored: {cols}', recent: 'Recent imports',
    fileName: 'File', created: 'Time', finished: 'Finished', user: 'User', mode: 'Mode', modeImport: 'Import', none: 'No imports yet',
    newImport: 'New import', checkDone: 'Check finished: nothing was imported', checkErrors: 'Check finished: {n} rows have errors; fix them and check again (nothing was written)', doneNote: 'Import finished', failedNote: 'Import failed',
    notFound: 'Import not found or not in your scope', encoding: 'Encoding', seconds: '{n} s', minutes: '{m} min {s} s'
  },
  impStatus: { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled', cancelling: 'Cancelling', hasErrors: 'Errors found' },
  exp: {
    export: 'Export', xlsx: 'Excel (.xlsx)', csv: 'CSV (UTF-8)', csvGb: 'CSV (GB18030, for Excel)',
    reveal: 'Full details', revealNote: 'Exporting the ID or phone numbers you may see in full is recorded in the audit log',
    revealConfirm: 'The file will contain the full ID or phone numbers you may see. The export is recorded in the audit log. Continue?',
    started: 'Download started', revealStarted: 'Download started; the export was recorded in the audit log',
    jobTitle: 'Background export', jobRows: '{done} / {total} rows exported', jobDownload: 'Download', jobClose: 'Close',
    jobStatus: { queued: 'Queued…', running: 'Exporting… (you may close this window)', done: 'Done; download started', failed: 'Export failed', cancelled: 'Cancelled', deleted: 'Deleted' }
  },
  print: { card: 'Print registry card', classCards: 'Print class cards', actions: 'Actions', auditNote: 'Printing registry cards is recorded in the audit log' },
  audit: {
    changes: 'Details', title: 'Audit log', at: 'Time', user: 'User', ip: 'IP address', action: 'Action', entity: 'Entity', entityId: 'Entity ID',
    before: 'Before', after: 'After', hash: 'Hash', filterUser: 'User name', filterAction: 'Action', filterEntity: 'Entity'
  },
  field: {
    name: 'Name', gender: 'Gender', birth_date: 'Birth date', birthplace: 'Birthplace', native_place: 'Native place',
    ethnicity: 'Ethnicity', nationality: 'Nationality/region', id_type: 'ID type', id_no: 'ID number',
    hk_mo_tw: 'HK/Macao/Taiwan/overseas', political: 'Political status', health: 'Health', name_pinyin: 'Name (pinyin)',
    former_name: 'Former name', hukou_region: 'Hukou region', hukou_type: 'Hukou type', specialty: 'Specialty',
    aux_no: 'Auxiliary no.', seat_no: 'Seat no.', grade: 'Grade', enrol_ym: 'Enrolment month', enrol_mode: 'Enrolment mode',
    study_mode: 'Study mode', source: 'Source', address: 'Current address', mail_address: 'Mailing address',
    home_address: 'Home address', phone: 'Phone', postcode: 'Postcode', email: 'E-mail', only_child: 'Only child',
    preschool: 'Pre-school education', left_behind: 'Left-behind child', migrant: 'Migrant worker\'s child',
    orphan: 'Orphan', martyr: 'Martyr\'s or entitled family', inclusive: 'Inclusive education', disability: 'Disability',
    gov_degree: 'Government-funded place', need_aid: 'Needs financial aid', yibu: 'Living allowance (一补)',
    distance_km: 'Distance to school (km)', transport: 'Transport to school', need_bus: 'Needs school bus',
    registry_no: 'Registry no.', school_id: 'School', class_id: 'Class', status: 'Status',
    relation: 'Relation', relation_note: 'Relation note', is_guardian: 'Guardian', employer: 'Employer'
  },
  member: 'Member {n}: {label}',
  chType: {
    transfer_in: 'Transfer in', suspend: 'Suspension', resume: 'Resumption', withdraw: 'Withdrawal', repeat: 'Repeat a grade',
    skip: 'Skip a grade', abroad: 'Going abroad', death: 'Death', graduate: 'Graduation', correct: 'Key-field correction', cancel: 'Cancellation', leave: 'Left without procedure'
  },
  chStatus: { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', returned: 'Returned', withdrawn: 'Withdrawn' },
  stepStatus: { later: 'Not yet', waiting: 'Waiting', approved: 'Approved', rejected: 'Rejected', returned: 'Returned', cancelled: 'Cancelled' },
  actorKind: { school: 'School', county: 'County bureau', city: 'City bureau', province: 'Province bureau' },
  chAction: { submit: 'Submitted', approve: 'Approved', reject: 'Rejected', return: 'Returned', withdraw: 'Withdrawn', resubmit: 'Resubmitted', apply: 'Applied' },
  ch: {
    endDate: 'Suspended until', endDatePh: 'Full length if empty', endDateNote: 'A suspension lasts one school year by default (change settings); it may end earlier, never later.', renewalNote: 'The student is suspended: this request is a renewal from the day after the current end date; renewals are limited (change settings).', menu: 'Registry change', start: 'Request: {type}', reason: 'Reason', reasonPh: 'Reason for the change (required)', reasonCode: 'Reason category',
    lostCapacity: 'Lost the capacity to study', otherReason: 'Other', compulsoryNote: 'In compulsory education (primary, junior) a withdrawal needs “lost the capacity to study”',
    targetGrade: 'Target grade', targetClass: 'Target class', noClass: 'No class yet', outcome: 'Outcome',
    outcomes: { graduated: 'Graduated', completed: 'Completed', incomplete: 'Incomplete' }, outcomeNote: 'Graduated/completed only from the final grade; incomplete only from a final grade or in senior/vocational grades',
    corrections: 'Corrected values', correctNote: 'Fill in only what is to be corrected; name, birth date and gender must agree with the ID number.',
    cancelNote: 'Cancellation voids a wrongly created record and needs the bureau one level up.', submit: 'Submit request', submitted: 'Request submitted for approval',
    failed: 'Request not submitted', open: 'This student has an open change request', viewOpen: 'Open it', noneAvailable: 'No change available',
    chainNote: 'The request goes through its approval chain; the record changes only on the last approval.', needReason: 'Enter the reason', needGrade: 'Choose the target grade',
    needOutcome: 'Choose the outcome', needChanges: 'Enter at least one corrected value', gradeNone: 'No grade available'
  },
  todo: {
    title: 'To-do', tabTodo: 'Waiting for me', tabStarted: 'Started by me', tabAll: 'All', overdueOnly: 'Overdue only', overdue: 'Overdue',
    deadline: 'due {d}', id: 'No.', type: 'Type', student: 'Student', from: 'School', to: 'Receiving school', waiting: 'Current step',
    status: 'Status', created: 'Started', initiator: 'Initiator', batchApprove: 'Approve selected', batchReject: 'Reject selected',
    selected: '{n} selected', rejectTitle: 'Reject selected', rejectPh: 'Reason for rejecting (required)', approveConfirm: 'Approve the {n} selected requests?',
    batchDone: '{ok} done, {failed} failed', backlog: 'Backlog per school', backlogWaiting: 'Waiting at the school', backlogOverdue: 'Overdue',
    backlogOpen: 'Open requests', empty: 'No requests', allTypes: 'All types', allStatus: 'All statuses', refresh: 'Refresh', failedItems: 'Failed: {list}'
  },
  review: {
    title: 'Change request no. {id}', request: 'Request', chain: 'Approval chain', history: 'History', record: 'Student record',
    approve: 'Approve', reject: 'Reject', return: 'Return for correction', withdraw: 'Withdraw', resubmit: 'Resubmit', comment: 'Comment',
    commentPh: 'Comment (optional to approve, required to reject or return)', needComment: 'A reason is required to reject or return', done: 'Done',
    conflict: 'The request was changed by someone else and has been reloaded', yourTurn: 'Waiting for you', waitingFor: 'Waiting for {who}',
    round: 'Round {n}', by: 'By', at: 'At', deadline: 'Deadline', startDate: 'Start', withdrawConfirm: 'Withdraw this request?',
    resubmitReason: 'Corrected reason', initiator: 'Initiator', created: 'Started', closed: 'Closed', student: 'Student',
    fromSchool: 'School', toSchool: 'Receiving school', toClass: 'Receiving class', grade: 'Target grade', outcome: 'Outcome', changes: 'Corrections',
    reasonCode: 'Reason category', status: 'Status', type: 'Type', applied: 'The change has been applied', closedNote: 'This request is closed', returnedNote: 'Returned: correct and resubmit, or withdraw'
  },
  tin: {
    title: 'Transfer in', intro: 'Enter the student’s full ID number or registry number (exact match; every look-up is audited).',
    byId: 'ID number', byReg: 'Registry number', value: 'Full number', find: 'Look up', notFound: 'No such student: check the number',
    found: 'Student found', school: 'Current school', grade: 'Grade', status: 'Status', toClass: 'Receiving class', reason: 'Reason',
    reasonPh: 'e.g. parents moved for work', submit: 'Submit transfer request', done: 'Transfer request submitted', sameSchool: 'The student is already at your school',
    needValue: 'Enter the full number', chainNote: 'Approval: receiving bureau → sending school → sending bureau (across counties), or sending school → bureau (same county).'
  },
  zone: {
    title: 'Feeders and zones', county: 'County', school: 'School', stage: 'Type', feeders: 'Feeder primary schools',
    townships: 'Zone townships', communities: 'Zone communities', communitiesHint: 'Type a community and press Enter',
    save: 'Save', saved: 'Saved the feeders and zone of {name}', onlyJunior: 'Only schools with junior grades have feeder schools'
  },
  alloc: {
    title: 'Primary-to-junior allocation', generate: 'Generate allocation', regenerate: 'Regenerate', publish: 'Publish',
    publishConfirm: 'Once published, each junior school sees its incoming list and the allocation can no longer change. Publish?',
    published: 'Published', draft: 'Draft', none: 'No allocation yet (apply year-end first)', year: 'School year finished',
    status: 'Status', total: 'Graduates', unmatched: 'Unmatched', school: 'Junior school', students: 'Students', girls: 'Girls',
    feeder: 'Feeder', zone: 'Zone', moved: 'Moved', confirmed: 'Confirmed', route: 'Route', from: 'Primary school',
    to: 'Allocated to', reason: 'Reason', name: 'Name', gender: 'Gender', show: 'Show list', unmatchedList: 'Unmatched students',
    move: 'Move to…', moveTitle: 'Move to another school', needReason: 'Enter the reason', needSchool: 'Choose a school',
    movedOk: 'Moved {n} students', generated: 'Allocation generated',
    routes: { feeder: 'Feeder', zone: 'Zone', moved: 'Moved (out of zone)', none: 'Unmatched' },
    choiceTitle: 'School choice (primary-to-junior admissions)', choiceYear: 'Year admitted', choiceTotal: 'County total',
    admitted: 'Admitted', other: 'Other (direct)', outOfZone: 'Out of zone', outOfZonePct: 'Out-of-zone share', downloadList: 'Download allocation list (Excel)', downloadChoice: 'Download school-choice figures (Excel)'
  },
  intake: {
    title: 'Incoming students', none: 'No incoming students waiting', classes: 'Into Junior 1 classes',
    classesHint: 'Leave empty to place later', balance: 'Balance classes by gender and size', confirmAll: 'Confirm all',
    confirmSel: 'Confirm selected', confirmed: 'Confirmed {n} students', from: 'Primary school', route: 'Route', name: 'Name',
    gender: 'Gender', reason: 'Note'
  },
  ye: {
    title: 'Year-end promotion', step1: 'Scope', step2: 'Preview', step3: 'Apply', scope: 'Scope', school: 'School', county: 'County',
    scopeSchool: 'One school', scopeCounty: 'Whole county', next: 'Next', prev: 'Back', preview: 'Preview', years: 'School year {from} → {to}',
    promoted: 'Promoted', graduated: 'Graduating', blocked: 'Held back (open requests)', classes: 'Classes promoted', alreadyDone: 'Already promoted this year',
    blockedList: 'Students held back', apply: 'Apply promotion', applyTitle: 'Apply the year-end promotion',
    applyConfirm: 'Promote {n} students, graduate {g} and create next year’s classes? It can be rolled back until a student changes again.',
    applied: 'Year-end promotion applied', runId: 'Run no.', rollback: 'Roll back this run', rollbackConfirm: 'Roll back this promotion? Students get their previous grade, class and status back.',
    rolledBack: 'Rolled back: {n} students restored', grade: 'Grade', toGrade: 'To', classNo: 'Class no.', stage: 'Stage', name: 'Name',
    graduateTo: 'Graduates', previewNote: 'A preview writes nothing.', pickSchool: 'Choose a school', pickCounty: 'Choose a county', done: 'Done',
    completed: 'Completed (结业)', graduates: 'Final-grade students (mark those who did not meet the graduation requirements as 结业)',
    markCompleted: 'Mark 结业', completedReason: 'Reason', needReason: 'Enter the reason for 结业',
    completedConfirm: '{c} of them leave with 结业 (completion without graduation).'
  },
  stepKey: {
    from_school: 'Sending school', county: 'County bureau', city: 'City bureau', province: 'Province bureau',
    to_county: 'Receiving county bureau', to_city: 'Receiving city bureau', to_province: 'Receiving province bureau',
    from_county: 'Sending county bureau', from_city: 'Sending city bureau', from_province: 'Sending province bureau'
  },
  cfg: {
    title: 'Change settings', intro: 'Rules that differ between provinces (defaults from the national measures and common provincial rules). Every change is audited.',
    dropout: 'Dropout control', dropout_days: 'A suspected dropout becomes a dropout after more than (school days)', retention_target: 'Retention target (%)', followup_days: 'Left without a completed procedure: list for follow-up after (days)',
    deadlines: 'Deadlines', chains: 'Approval chains', repeat: 'Grade repetition', transfer: 'Transfer windows', suspend: 'Suspension',
    step_days: 'Working days per approval step', death_days: 'Working days for a death cancellation',
    senior_authority: 'Registry authority for senior and vocational schools', authCity: 'City bureau', authCounty: 'County bureau',
    chain_city: 'Transfers across cities add the city bureaus', chain_cityNote: 'Off by default: across counties or cities of a province the chain is receiving county → sending school → sending county',
    repeat_compulsory: 'Allow repetition in compulsory grades', repeat_senior3: 'Allow repetition in senior 3', repeat_cap_pct: 'Repetitions per grade and school year (% of the grade)',
    transfer_entry_term: 'No transfer in the first term of an entry grade', transfer_graduating: 'No transfer in a graduating grade',
    suspend_years: 'Suspension length (school years)', suspend_renewals: 'Renewals allowed',
    save: 'Save settings', saved: 'Settings saved', reset: 'Reset', yes: 'Yes', no: 'No',
    holidays: 'Holidays and make-up working days', holidaysIntro: 'Deadlines skip weekends and holidays; make-up working days count as working days.',
    year: 'Year', date: 'Date', kind: 'Kind', name: 'Name', holiday: 'Holiday', workday: 'Make-up working day',
    add: 'Add', remove: 'Remove', removeConfirm: 'Remove {d}?', added: 'Added', removed: 'Removed', needDate: 'Choose a date',
    none: 'No holidays set for this year'
  },
  sys: {
    title: 'System settings', intro: 'Session, log-in limits, user management, the import queue and the duplicate scan. The server checks every value; every change is audited.',
    group: { attendance: 'Attendance and dropouts', session: 'Log-in and sessions', users: 'User management', import: 'Batch import', duplicates: 'Duplicate scan', other: 'Other' },
    session_idle_minutes: 'Session idle timeout', login_address_failures: 'Failed log-ins per address', bureau_manages_users: 'Bureaus manage the users of their region',
    import_queue_max_jobs: 'Import jobs in the queue', import_queue_max_jobs_per_user: 'Import jobs per user',
    import_queue_max_bytes: 'Import queue size', import_queue_max_bytes_per_user: 'Import queue size per user',
    import_retention_days: 'Days imports are kept', dup_guardian_max: 'Children per guardian',
    attend_suspect_days: 'Suspected dropout: consecutive unexcused days', attend_dropout_days: 'Dropout: consecutive unexcused days', attend_term_suspect_days: 'Suspected dropout: unexcused days in a term', attend_term_dropout_days: 'Dropout: unexcused days in a term', dropout_sweep_hour: 'Daily dropout sweep (hour)',
    help: {
      attend_suspect_days: 'More consecutive unexcused school days than this (weekends and holidays do not break a run) make a suspected dropout.',
      attend_dropout_days: 'More consecutive unexcused school days than this make a dropout.',
      attend_term_suspect_days: 'More unexcused days in one term than this make a suspected dropout.',
      attend_term_dropout_days: 'More unexcused days in one term than this make a dropout.',
      dropout_sweep_hour: 'Once a day, at or after this hour (0-23, Beijing time), the server sweeps every county: students who left (其他离校), suspensions past their end and absences over the thresholds get a case, and cases move to dropout by the rules. -1: only when a bureau presses 立即排查.',
      session_idle_minutes: 'A session without a request for this many minutes ends; the user logs in again.',
      login_address_failures: 'Failed log-ins from one network address within 15 minutes before it must wait (against password guessing).',
      bureau_manages_users: 'When on, county and city bureau users manage the accounts of their region; when off, only administrators do.',
      import_queue_max_jobs: 'Imports queued or running in the whole system; beyond it a new import is refused (try again later).',
      import_queue_max_jobs_per_user: 'Imports queued or running for one user.',
      import_queue_max_bytes: 'Total size of the files of imports queued or running.',
      import_queue_max_bytes_per_user: 'Total size of the files of one user\'s imports queued or running.',
      import_retention_days: 'Days an import\'s job, error details and report are kept before they are deleted.',
      dup_guardian_max: 'The duplicate scan flags a guardian ID with more children than this.'
    },
    bounds: ' Default {def}; {min} to {max}.', boundsBool: ' Default: {def}.',
    unit: { minutes: 'minutes', days: 'days', mib: 'MiB', none: '' },
    on: 'On', off: 'Off', save: 'Save settings', saved: 'Settings saved', reset: 'Reset', fieldFailed: '{f}: {m}'
  },
  do: {
    title: 'Dropout cases', intro: 'One case per child: students who left without a procedure, suspensions not resumed and cases opened by the school or bureau. Record contacts, home visits, written reports and persuasion; a case closes when the child is back in class.',
    status: 'Status', open: 'Open', closed: 'Closed', stage: 'Stage', source: 'Source', school: 'School', student: 'Student', registryNo: 'Registry no.',
    grade: 'Grade', klass: 'Class', openedOn: 'Opened', dropoutOn: 'Dropout since', outcome: 'Outcome', detail: 'Reason', empty: 'No cases',
    sweep: 'Check now', swept: 'Checked: {opened} new cases, {escalated} now dropouts', studentStatus: 'Registry status', closedAt: 'Closed at',
    stages: { suspected: 'Suspected dropout', dropout: 'Dropout' },
    sources: { left: 'Left without procedure', suspension: 'Suspension not resumed', manual: 'Opened by school/bureau', absence: 'Unexcused absence' },
    kinds: { open: 'Opened', contact: 'Contact', home_visit: 'Home visit', report: 'Written report', persuasion: 'Persuasion to return', note: 'Note', stage: 'Declared dropout', close: 'Closed', reopen: 'Reopened' },
    outcomes: { returned: 'Back in class', transferred: 'Transferred (procedure complete)', abroad: 'Abroad (with proof)', deceased: 'Deceased', special_education: 'Special-education placement', lost_capacity: 'Lost the capacity to study', aged_out: 'Beyond compulsory age' },
    timeline: 'Timeline', addEntry: 'Add an entry', kind: 'Kind', happenedOn: 'Date', method: 'How', participants: 'Who', reportedTo: 'Reported to',
    entryOutcome: 'Outcome', entryDetail: 'Details', save: 'Save entry', saved: 'Entry recorded', by: 'By',
    methodPh: 'e.g. phone, visit, meeting', participantsPh: 'e.g. class teacher, village committee', reportedToPh: 'e.g. township government, county bureau',
    close: 'Close case', closeTitle: 'Close the case', reason: 'Reason', reasonPh: 'Reason (required)', closedOk: 'Case closed',
    reopen: 'Reopen', reopened: 'Case reopened', decide: 'Declare dropout', decided: 'Declared a dropout',
    openCase: 'Open a dropout case', openReason: 'Reason (required)', opened: 'Case opened', existing: 'The student already has an open case',
    needKind: 'Choose a kind', needDate: 'Choose a date',
    ledger: 'Dropout ledger', ledgerIntro: 'Compulsory-stage students on the roll, suspected and actual dropouts, returns in the period; schools below the retention target are red.',
    from: 'From', to: 'To', onRoll: 'On the roll', suspected: 'Suspected', dropouts: 'Dropouts', returned: 'Returned', closedOther: 'Closed otherwise',
    retention: 'Retention', target: 'Target {n}%', total: 'Total', monthly: 'Monthly school report', quarterly: 'Quarterly county review', month: 'Month', quarter: 'Quarter', county: 'County code',
    download: 'Download XLSX', studentLink: 'Student record'
  },
  cs: {
    title: 'Class sizes', intro: 'Every class of this school year banded by its enrolled students; the figures at past term starts come from the record history as of that day and never change afterwards.',
    schools: 'Schools', classes: 'Classes', largeShare: 'Share of 大班额', moves: 'Moves into 大班额 this year', export: 'Export Excel',
    trend: 'Bands at each term start', asOf: 'As of', term: 'Term', termN: 'Term {n}', filter: 'Filter by school name or code',
    grade: 'Grade', klass: 'Class', size: 'Enrolled', bandCol: 'Band', standard: 'Standard', noClasses: 'No classes this school year',
    settingsCounty: 'Bands of county {c}', settingsGlobal: 'Global bands', saved: 'Class-size settings saved',
    band: { normal: 'Normal', large_ish: 'Somewhat large', large: 'Large (大班额)', super: 'Super-large' },
    set: { largeish_from: 'Somewhat large from', large_from: 'Large from', super_from: 'Super-large from', std_primary: 'Primary standard', std_junior: 'Junior standard', std_senior: 'Senior standard', refuse_into_oversized: 'Refuse moves into classes at 大班额' },
    warn: 'Class {klass} has {size} students after this, {band} (standard {std})'
  },
  flows: {
    title: 'Student flows', intro: 'Completed transfers, progressions, re-entries and withdrawals, moves abroad, deaths, other leaving and cancellations by origin and destination, type, grade and month; click any figure for the students behind it.',
    range: 'Dates', level: 'Level', levels: { school: 'School', county: 'County', city: 'City', province: 'Province' }, type: 'Type', grade: 'Grade', month: 'Month', all: 'All',
    types: { transfer: 'Transfer', promote: 'Progression', reenter: 'Re-entry', withdraw: 'Withdrawal', abroad: 'Abroad', death: 'Death', leave: 'Other leaving', cancel: 'Cancellation' },
    dir: { out: 'Out', in: 'In', internal: 'Internal' }, direction: 'Direction', outside: 'Outside the system (unknown)',
    xlsx: 'Export XLSX', none: 'No moves in this range', table: 'Flows', origin: 'From', destination: 'To', count: 'Students',
    by_type: 'By type', by_grade: 'By grade', by_month: 'By month', choice: 'School choice of 小升初 (outside the zone, by route)',
    followup: 'Left without a completed procedure', followupIntro: 'Transfers and progressions approved at one end and not completed after {n} days, and students who left (其他离校) with no dropout case following them.',
    inCases: '{n} more who left are followed in dropout cases', suspensions: 'Overdue suspensions',
    noFollowup: 'Nobody to follow up', student: 'Student', registryNo: 'Registry no.', kind: 'Case', kinds: { transfer: 'Transfer not completed', promote: 'Progression not completed', left: 'Left (其他离校)' },
    school: 'School', toSchool: 'Destination', request: 'Request', since: 'Since', waited: 'Waited', days: '{n} days', students: 'Students who moved', date: 'Date'
  },
  susp: {
    title: 'Suspensions overdue', intro: 'Students whose suspension has ended without resumption: follow up (resume, renew or another change).',
    student: 'Student', registryNo: 'Registry no.', school: 'School', grade: 'Grade', klass: 'Class', start: 'Suspended from', end: 'Suspended until',
    renewal: 'Renewal', renewalN: 'Renewal {n}', over: 'Days over', empty: 'No overdue suspensions', days: '{n} days'
  },
  fmt: {
    otherEvent: 'Other record', otherAction: 'Other action', otherEntity: 'Other item', otherField: 'Other detail', otherValue: 'Other',
    otherStep: 'Approval step', otherSchool: 'Another school', otherClass: 'A class of another school', otherSchoolMove: 'Moved between classes of another school', empty: '(empty)', removed: '(removed)'
  },
  evField: {
    reason: 'Reason', comment: 'Comment', step: 'Step', type: 'Change type', to_school_id: 'Receiving school', from_school_id: 'Sending school',
    to_class_id: 'Receiving class', outcome: 'Outcome', reason_code: 'Reason category', end_date: 'End date', start_date: 'Start date',
    renewal: 'Renewals', suspended_until: 'Suspended until', grade: 'Grade', status: 'Status', registry_no: 'Registry no.',
    role: 'Role', region_code: 'Region', display_name: 'Name', username: 'User name', disabled: 'Disabled', fields: 'Fields shown',
    how: 'Searched by', number: 'Number', found: 'Found', count: 'Count', rows: 'Rows', file: 'File', key: 'Key', format: 'Format',
    reveal: 'With full details', school_year: 'School year', students: 'Students', promoted: 'Promoted', graduated: 'Graduated',
    classes: 'Classes', imported: 'Rows imported', rejected: 'Rows with errors', ids: 'Requests', action: 'Action', date: 'Date', kind: 'Kind',
    name: 'Name', feeders: 'Feeder schools', townships: 'Zone townships', communities: 'Zone communities', matches: 'Matches', other_id: 'Other record',
    window_start: 'Start', window_end: 'End', dup_flag: 'Suspected duplicate', duplicate: 'Duplicate record', classes_removed: 'Classes removed',
    restored: 'Restored', county: 'County', school_id: 'School', class_id: 'Class', scope: 'Scope', total: 'Total', moved: 'Moved'
  },
  fmtValue: {
    id_no: 'ID number', registry_no: 'Registry no.', other_id: 'Other ID number', name: 'Name', lost_capacity: 'Lost capacity to study',
    from_school: 'Sending school', to_county: 'Receiving county bureau'
  },
  auditAction: {
    student: {
      register: 'Registered', update: 'Record edited', change: 'Change applied', export: 'List exported', reveal: 'Full details viewed',
      search: 'Searched by number', lookup: 'Student looked up', print: 'Card printed', promote: 'Moved up a stage', reenter: 'Record re-opened', move_class: 'Class move',
      warning_confirm: 'Warning confirmed'
    },
    change: { create: 'Change requested', approve: 'Step approved', reject: 'Step rejected', return: 'Returned for correction', withdraw: 'Request withdrawn', resubmit: 'Request resubmitted' },
    user: { add: 'User added', create: 'User created', update: 'User changed', passwd: 'Password set', password_reset: 'Password reset' },
    settings: { update: 'Settings changed', yearend: 'Year-end window changed' },
    yearend: { apply: 'Year-end applied', rollback: 'Year-end rolled back' },
    allocation: { generate: 'Allocation generated', move: 'Allocation adjusted', publish: 'Allocation published', export: 'Allocation list exported', choice_export: 'School-choice figures exported' },
    import: { students: 'Students imported' },
    duplicate: { scan: 'County duplicate scan', confirm: 'Duplicate confirmed', dismiss: 'Duplicate dismissed', merge: 'Duplicates merged' },
    holiday: { put: 'Holiday set', delete: 'Holiday removed' },
    zone: { put: 'Feeders and zone set' },
    audit: { key: 'Audit key' },
    password_change: 'Own password changed', login: 'Logged in', logout: 'Logged out', init: 'Database created', gen: 'Test data generated'
  },
  auditEntity: {
    student: 'Student', change: 'Change request', user: 'User', settings: 'Settings', yearend: 'Year-end', allocation: 'Allocation',
    import: 'Import', county: 'County', database: 'Database', audit: 'Audit log', school: 'School', holiday: 'Holiday',
    privacy: 'Privacy settings', system: 'System settings', export: 'Export', duplicate_flag: 'Duplicate record', class: 'Class', region: 'Region'
  }
}
