// Simplified Chinese catalogue (the default).
export default {
  app: { name: '学籍管理系统', short: 'xueji', title: '学籍管理系统 xueji' },
  common: {
    yes: '是', no: '否', search: '查询', reset: '重置', all: '全部', loading: '加载中…', save: '保存', cancel: '取消',
    confirm: '确定', back: '返回', edit: '编辑', none: '无', total: '共 {n} 条', notFound: '未找到或无权查看',
    error: '出错了', retry: '重试', select: '请选择', view: '查看', open: '打开', noData: '暂无数据'
  },
  lang: { zh: '中文', en: 'English', switch: '语言' },
  role: { admin: '系统管理员', bureau: '教育局', registrar: '学籍管理员', teacher: '班主任' },
  nav: { home: '概览', schools: '学校', mySchool: '本校', students: '学生', register: '新生注册', import: '批量导入', audit: '审计日志' },
  login: {
    title: '登录', subtitle: '学籍管理系统', username: '用户名', password: '密码', submit: '登录',
    needUser: '请输入用户名', needPassword: '请输入密码', intranet: '仅限教育系统内网使用', failed: '登录失败'
  },
  top: { logout: '退出登录', loggedOut: '已退出登录', sessionExpired: '会话已失效，请重新登录' },
  home: {
    welcome: '欢迎，{name}', scope: '管辖范围', schools: '学校数', students: '在册学生', classes: '班级数',
    byGrade: '各年级学生人数', bySchool: '各校学生人数', quick: '快捷入口'
  },
  school: {
    list: '学校列表', code: '学校标识码', name: '学校名称', stage: '办学类型', township: '所在乡镇', county: '所在区县',
    urbanRural: '城乡类型', classCount: '班级数', studentCount: '学生数', q: '学校名称或标识码', info: '学校信息',
    classes: '班级', grades: '各年级学生人数', students: '学生', classesN: '班级数', viewStudents: '查看学生'
  },
  urbanRural: { 1: '城区', 2: '镇区', 3: '乡村' },
  klass: { grade: '年级', name: '班级', headTeacher: '班主任', headCount: '人数', schoolYear: '学年' },
  student: {
    list: '学生列表', q: '姓名、学籍号或身份证号', school: '学校', grade: '年级', klass: '班级', status: '学籍状态',
    registryNo: '学籍号', name: '姓名', gender: '性别', birthDate: '出生日期', idNo: '身份证件号', dup: '疑似重复',
    record: '学生学籍档案', reveal: '显示完整信息', revealTitle: '显示完整信息',
    revealConfirm: '将显示该学生完整的身份证件号和联系电话。此操作将记入审计日志，是否继续？',
    revealed: '已显示完整信息，此操作已记入审计日志', revealNote: '证件号和电话已脱敏显示',
    revealedNote: '当前显示完整信息（已记入审计日志）', events: '变动记录', noEvents: '暂无变动记录',
    aliases: '曾用学籍号', version: '版本', created: '创建时间', updated: '更新时间',
    editTitle: '编辑学籍信息', editNote: '姓名、性别、出生日期、证件类型、证件号和学籍号为关键字段，需走变更流程，此处不可修改。',
    saved: '已保存', conflict: '该记录已被他人修改，已重新加载，请核对后再保存。', noChanges: '没有修改'
  },
  group: { basic: '基本信息', identity: '身份信息', enrolment: '学籍信息', contact: '家庭与联系', other: '其他', g1: '家庭成员1', g2: '家庭成员2' },
  event: {
    create: '注册', created: '注册', register: '注册', registered: '注册', update: '修改', updated: '修改',
    reveal: '查看完整信息', gen: '系统生成', transfer: '转学', status: '学籍状态变动', import: '导入', merge: '合并', delete: '删除'
  },
  register: {
    title: '新生注册', school: '学校', klass: '班级', submit: '提交注册', reset: '清空', required: '必填',
    requiredMsg: '{label}为必填项', success: '注册成功', registryNo: '学籍号', openRecord: '查看学籍档案',
    another: '继续注册', dupWarn: '疑似重复学生：与下列学生姓名、出生日期和监护人电话相同，请核查', failed: '注册未成功',
    fixBelow: '请修改下列标红的字段', pickSchool: '请先选择学校', hint: '带 * 的为必填项'
  },
  imp: {
    title: '批量导入', file: '导入文件', drop: '将 CSV 或 Excel（.xlsx）文件拖到此处，或', pick: '选择文件',
    tip: '支持 .csv（UTF-8 或 GB18030）和 .xlsx；首行为列名，列名见下方“导入列”。',
    validOnly: '只导入正确的行', validOnlyHelp: '不勾选时，只要有一行有错，整个文件都不导入',
    createClasses: '自动创建班级', createClassesHelp: '文件中的班级在学校里不存在时自动创建',
    sheet: '工作表名称', sheetPh: 'XLSX 工作表名称（可选，默认第一个）',
    check: '检查文件', start: '开始导入', needFile: '请先选择文件', badType: '只支持 .csv 和 .xlsx 文件',
    columns: '导入列', columnsHelp: '列名可用中文名或字段名；带 * 的为必填列。',
    job: '导入任务 #{id}', dryRun: '仅检查', status: '状态', progress: '进度', rows: '{done} / {total} 行',
    rowsNoTotal: '已处理 {done} 行', speed: '{n} 行/秒', eta: '剩余约 {t}', cancel: '取消', cancelConfirm: '确定要取消这个导入任务吗？',
    cancelled: '已请求取消', imported: '已导入', rejected: '错误行', already: '已存在（跳过）', total: '总行数',
    dryImported: '可导入', validRows: '正确行', errors: '错误明细', errorsMore: '仅显示前 {n} 条，完整列表见错误报告', report: '下载错误报告',
    noErrors: '没有发现错误', row: '行号', column: '列', value: '值', message: '错误信息',
    warnings: '提示', unknownColumns: '以下列名无法识别，已忽略：{cols}', recent: '最近的导入',
    fileName: '文件', created: '时间', finished: '完成时间', user: '用户', mode: '方式', modeImport: '导入', none: '暂无导入记录',
    newImport: '新的导入', checkDone: '检查完成：没有导入任何数据', checkErrors: '检查完成：{n} 行有错误，请按错误明细修改后重新检查（未写入任何数据）', doneNote: '导入完成', failedNote: '导入失败',
    notFound: '导入任务不存在或无权查看', encoding: '编码', seconds: '{n} 秒', minutes: '{m} 分 {s} 秒'
  },
  impStatus: { queued: '排队中', running: '进行中', done: '已完成', failed: '失败', cancelled: '已取消', cancelling: '正在取消', hasErrors: '有错误' },
  exp: {
    export: '导出', xlsx: 'Excel（.xlsx）', csv: 'CSV（UTF-8）', csvGb: 'CSV（GB18030，适用于 Excel）',
    reveal: '含完整证件号', revealNote: '导出完整证件号将记入审计日志',
    revealConfirm: '导出的文件将包含完整的身份证件号和联系电话。此操作将记入审计日志，是否继续？',
    started: '已开始下载', revealStarted: '已开始下载，此次导出已记入审计日志'
  },
  print: { card: '打印学籍卡', classCards: '打印全班学籍卡', actions: '操作', auditNote: '打印学籍卡将记入审计日志' },
  audit: {
    title: '审计日志', at: '时间', user: '用户', ip: 'IP 地址', action: '操作', entity: '对象', entityId: '对象 ID',
    before: '修改前', after: '修改后', hash: '哈希', filterUser: '用户名', filterAction: '操作', filterEntity: '对象类型'
  },
  field: { registry_no: '学籍号', school_id: '学校', class_id: '班级', status: '学籍状态' }
}
