// English catalogue.  Student field labels fall back to the field key.
export default {
  app: { name: 'Student Registry', short: 'xueji', title: 'xueji Student Registry' },
  common: {
    yes: 'Yes', no: 'No', search: 'Search', reset: 'Reset', all: 'All', loading: 'Loading…', save: 'Save', cancel: 'Cancel',
    confirm: 'OK', back: 'Back', edit: 'Edit', none: 'None', total: '{n} in total', notFound: 'Not found or not in your scope',
    error: 'Error', retry: 'Retry', select: 'Select', view: 'View', open: 'Open', noData: 'No data'
  },
  lang: { zh: '中文', en: 'English', switch: 'Language' },
  role: { admin: 'Administrator', bureau: 'Education bureau', registrar: 'Registrar', teacher: 'Class teacher' },
  nav: { home: 'Overview', schools: 'Schools', mySchool: 'My school', students: 'Students', register: 'Register', import: 'Import', audit: 'Audit log' },
  login: {
    title: 'Log in', subtitle: 'Student Registry', username: 'User name', password: 'Password', submit: 'Log in',
    needUser: 'Enter the user name', needPassword: 'Enter the password', intranet: 'For the education intranet only', failed: 'Log-in failed'
  },
  top: { logout: 'Log out', loggedOut: 'Logged out', sessionExpired: 'Session expired, please log in again' },
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
    list: 'Students', q: 'Name, registry no. or ID no.', school: 'School', grade: 'Grade', klass: 'Class', status: 'Status',
    registryNo: 'Registry no.', name: 'Name', gender: 'Gender', birthDate: 'Birth date', idNo: 'ID no.', dup: 'Possible duplicate',
    record: 'Student record', reveal: 'Show full details', revealTitle: 'Show full details',
    revealConfirm: 'This shows the full ID numbers and phone numbers of this student. The action is recorded in the audit log. Continue?',
    revealed: 'Full details shown; the action was recorded in the audit log', revealNote: 'ID and phone numbers are masked',
    revealedNote: 'Full details shown (recorded in the audit log)', events: 'History', noEvents: 'No changes yet',
    aliases: 'Former registry numbers', version: 'Version', created: 'Created', updated: 'Updated',
    editTitle: 'Edit record', editNote: 'Name, gender, birth date, ID type, ID number and registry number are key fields and change only through a workflow.',
    saved: 'Saved', conflict: 'Someone else changed this record; it was reloaded, please check and save again.', noChanges: 'Nothing changed'
  },
  group: { basic: 'Basic', identity: 'Identity', enrolment: 'Enrolment', contact: 'Family and contact', other: 'Other', g1: 'Family member 1', g2: 'Family member 2' },
  event: {
    create: 'Registered', created: 'Registered', register: 'Registered', registered: 'Registered', update: 'Changed', updated: 'Changed',
    reveal: 'Full details viewed', gen: 'Generated', transfer: 'Transfer', status: 'Status change', import: 'Imported', merge: 'Merged', delete: 'Deleted'
  },
  register: {
    title: 'Register a new student', school: 'School', klass: 'Class', submit: 'Register', reset: 'Clear', required: 'Required',
    requiredMsg: '{label} is required', success: 'Registered', registryNo: 'Registry no.', openRecord: 'Open the record',
    another: 'Register another', dupWarn: 'Possible duplicate: same name, birth date and guardian phone as the students below; please check',
    failed: 'Not registered', fixBelow: 'Please correct the fields marked in red', pickSchool: 'Select a school first',
    hint: 'Fields marked * are required'
  },
  imp: {
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
    reveal: 'Full ID numbers', revealNote: 'Exporting full ID numbers is recorded in the audit log',
    revealConfirm: 'The file will contain full ID numbers and phone numbers. The export is recorded in the audit log. Continue?',
    started: 'Download started', revealStarted: 'Download started; the export was recorded in the audit log'
  },
  print: { card: 'Print registry card', classCards: 'Print class cards', actions: 'Actions', auditNote: 'Printing registry cards is recorded in the audit log' },
  audit: {
    title: 'Audit log', at: 'Time', user: 'User', ip: 'IP address', action: 'Action', entity: 'Entity', entityId: 'Entity ID',
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
  member: 'Member {n}: {label}'
}
