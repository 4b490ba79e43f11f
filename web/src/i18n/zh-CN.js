// Simplified Chinese catalogue (the default).
export default {
  app: { name: '学籍管理系统', short: 'xueji', title: '学籍管理系统 xueji' },
  region: {
    placeholder: '逐级选择（省/市/县/乡镇）', search: '输入名称搜索'
  },
  common: {
    yes: '是', no: '否', search: '查询', reset: '重置', all: '全部', loading: '加载中…', save: '保存', cancel: '取消',
    confirm: '确定', back: '返回', edit: '编辑', none: '无', total: '共 {n} 条', notFound: '未找到或无权查看',
    error: '出错了', retry: '重试', select: '请选择', view: '查看', open: '打开', noData: '暂无数据'
  },
  lang: { zh: '中文', en: 'English', switch: '语言' },
  role: { admin: '系统管理员', bureau: '教育局', registrar: '学籍管理员', teacher: '班主任' },
  nav: { zones: '对口与学区', allocation: '小升初分配', intake: '新生名单', settings: '变动设置', sysSettings: '系统设置', suspensions: '休学跟进', flows: '学生流动', todo: '待办', transferIn: '转入申请', yearEnd: '学年升级', home: '概览', schools: '学校', mySchool: '本校', students: '学生', register: '新生注册', import: '批量导入', audit: '审计日志', users: '用户管理', duplicates: '重复学籍审核', codes: '代码表', dropout: '控辍保学', dropoutLedger: '控辍保学台账', attendance: '考勤', classSizes: '班额', verification: '学籍核准', ghosts: '空挂学籍线索' },
  vf: {
    title: '学籍核准', round: '{y}学年第{t}学期', klass: '班级', student: '学生', registryNo: '学籍号',
    present: '在校就读', correct: '信息无误', state: '核准状态', actions: '更正',
    help: '逐班核对本学期在读学生：勾选“在校就读”和“信息无误”。信息有误的学生须发起更正：点“修改信息”在学籍页修改并保存后，点“已修改”；或点“发起变动”提交学籍变动申请。键盘：↑↓ 选择学生，空格或 p 切换在校，c 切换信息无误，a 全班设为在校且无误，Ctrl+S 保存。',
    allOk: '全班在校且无误', save: '保存', saved: '已保存 {n} 名学生的核准', unsaved: '有 {n} 名学生未保存',
    edit: '修改信息', edited: '已修改', startChange: '发起变动', changeStarted: '已发起变动申请 {id}',
    settled: '已核准', pendingFix: '待更正', notTicked: '未核准', corrEdit: '已修改信息', corrChange: '已申请变动 {id}',
    classDone: '本班已完成', classOpen: '本班未完成', done: '已完成', notDone: '未完成', late: '逾期',
    progress: '核准进度', schools: '学校', classes: '班级（完成/总数）', students: '学生（已核准/总数）', verified: '在校且无误',
    deadline: '截止日期', setDeadline: '设置截止日期', deadlineSaved: '截止日期已保存', county: '县（区）', onlyOpen: '只看未完成',
    totals: '学校完成 {done}/{n}，逾期 {late}；班级完成 {cd}/{c}；学生已核准 {s}/{st}',
    sweepRunning: '正在排查：已查 {done} / {n} 名学生（排查期间可照常登记和办理变动）', sweepFailed: '排查未完成（{state}）{code}',
    sweepLast: '上次排查：{at} {by}，{state}；查 {students} 名学生，新线索 {raised} 条，更新 {updated} 条',
    sweepState: { running: '进行中', done: '已完成', failed: '失败', interrupted: '因服务器重启中断，请重新排查' },
    ghosts: '空挂学籍线索', sweep: '立即排查', swept: '排查 {students} 名学生：新线索 {raised} 条，更新 {updated} 条',
    open: '待处理', confirmed: '已确认', dismissed: '已排除', signals: '线索', raisedAt: '发现时间', school: '学校',
    confirm: '确认并发起变动', dismiss: '排除', reason: '理由', reasonPh: '请填写核实情况（必填）', needReason: '请填写理由',
    changeType: '发起的变动', confirmedOk: '已确认，已发起变动申请 {id}', dismissedOk: '已排除',
    decided: '{by} 于 {at} 处理：{reason}',
    sig: { no_presence: '整学期无考勤与核准记录（班级有考勤）', unverified: '截止日期后仍未核准', guardian_shared: '监护人电话或证件号与其他学校在读学生相同', far_from_home: '户籍与现住址均不在学校所在县' },
    ct: { cancel: '注销（虚假或空挂学籍）', leave: '其他离校' }
  },
  att: {
    title: '考勤', klass: '班级', school: '学校', student: '学生', registryNo: '学籍号', prevWeek: '上一周', nextWeek: '下一周',
    save: '保存', saved: '已保存，{n} 处变更', help: '点击单元格切换 病假→事假→旷课→出勤；键盘：方向键移动，1/2/3（或 s/p/u）设为病假/事假/旷课（全天），h 切换全天/上午/下午，0 或 Delete 设为出勤。保存时一次提交，全部成功或全部不保存。',
    short: { sick: '病', personal: '事', unexcused: '旷' }, half: { am: '上', pm: '下' },
    wd: { 0: '周日', 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六' },
    imp: {
      title: '导入缺勤', help: 'CSV 或 XLSX，表头含 学籍号（或 身份证件号）、日期、时段（全天/上午/下午）、原因（病假/事假/旷课）。默认全部无误才导入；勾选后只导入无误的行，有误的行逐行列出。',
      validOnly: '只导入无误的行', run: '导入', done: '共 {entries} 行，已登记 {changed} 处，跳过 {skipped} 行', refused: '文件未导入（全部或全不）：'
    },
    suspects: '疑似辍学与辍学（按连续旷课上课日及本学期累计）', show: '查询', noSuspects: '没有达到阈值的学生', level: '级别',
    lv: { suspected: '疑似辍学', dropout: '辍学' }, streak: '最长连续', current: '当前连续', termDays: '本学期累计',
    terms: '{county} {year}学年 学期设置', term1: '第一学期', term2: '第二学期', schoolDays: '{n} 个上课日', saveTerms: '保存学期', termsSaved: '学期已保存', defaults: '（默认学期）'
  },
  dup: {
    title: '疑似重复学籍审核', open: '待审核', confirmedTab: '已确认', dismissedTab: '已排除', county: '县级区划代码',
    scan: '全县查重', scanRunning: '正在查重（{county}），期间可照常登记和修改学籍…', scanFailed: '查重未完成（{code}），请稍后重试', scanDone: '查重完成：{groups}组同名同生日，新标记{pairs}对，{guardians}个监护人证件号被过多学生共用',
    field: '项目', recordA: '记录甲', recordB: '记录乙', same: '相同', differs: '不同',
    confirm: '确认重复（注销错误记录）', dismiss: '排除（不是同一人）', whichWrong: '请选择要注销的错误记录：',
    reason: '处理理由（必填）', needReason: '请填写处理理由', confirmed: '已发起注销申请（编号{id}）', dismissed: '已排除',
    merge: '合并（同一人）', whichSurvives: '请选择保留的记录（保留其学籍号）：',
    mergeNote: '另一条记录将注销（原因：合并），其变动记录、曾用学籍号等历史并入保留的记录，不删除、不改写。',
    whichSchool: '两条记录均在不同学校在读，请选择由哪所学校保留该学生：', needKeepSchool: '请选择保留学生的学校',
    merged: '已合并', fromMerged: '来自已合并学籍 {no}',
    f: {
      registry_no: '学籍号', name: '姓名', gender: '性别', birth_date: '出生日期', id_no: '身份证件号', school_name: '学校',
      grade_label: '年级', class_name: '班级', status: '学籍状态', g1_name: '成员1姓名', g1_phone: '成员1电话',
      g2_name: '成员2姓名', g2_phone: '成员2电话'
    }
  },
  login: {
    title: '登录', subtitle: '学籍管理系统', username: '用户名', password: '密码', submit: '登录',
    needUser: '请输入用户名', needPassword: '请输入密码', intranet: '仅限教育系统内网使用', failed: '登录失败'
  },
  top: { logout: '退出登录', loggedOut: '已退出登录', sessionExpired: '会话已失效，请重新登录', password: '修改密码' },
  pw: {
    title: '修改密码', old: '原密码', new: '新密码', again: '再次输入新密码', needOld: '请输入原密码',
    rule: '至少10个字符，不能包含用户名，不能是常见密码', mismatch: '两次输入的新密码不一致',
    done: '密码已修改，您在其他地方的登录已失效'
  },
  users: {
    title: '用户管理', add: '新建用户', username: '用户名', displayName: '姓名', role: '角色', scope: '管辖范围',
    status: '状态', enabled: '正常', disabled: '已停用', actions: '操作', edit: '编辑', disable: '停用', enable: '启用',
    reset: '重置密码', password: '初始密码', newPassword: '新密码', region: '行政区划代码',
    school: '学校', classes: '任教班级', created: '已创建用户 {name}', saved: '已保存', resetDone: '已重置密码，该用户需重新登录',
    disableConfirm: '停用后该用户立即退出登录且无法再登录，是否继续？', disabledMsg: '已停用', enabledMsg: '已启用',
    forbidden: '您无权管理用户'
  },
  dash: {
    asof: '统计日', today: '今天', sept1: '9月1日', asofNote: '截至 {date}',
    enrolled: '在读人数', male: '男', female: '女', gender: '性别', largeClasses: '大班额班级',
    suspected: '疑似辍学', dropout: '辍学', absentStudents: '有缺勤的学生', absenceRate: '缺勤率',
    duplicates: '待核重复学籍', classes: '班级数', byGrade: '各年级在读人数（按性别）', bands: '班额分档（班级数）',
    unit: '单位', listOf: '共 {n} 人', export: '导出Excel', case: '控辍案件', openCase: '查看案件',
    band: { normal: '正常', large_ish: '偏大班额', large: '大班额', super: '超大班额' },
    units: { province: '各省', city: '各市', county: '各县（区）', school: '各学校', class: '各班级' },
    ghosts: '待审疑似空挂学籍',
    vf: {
      title: '学籍核准进度', round: '{y}学年第{t}学期', students: '应核准', settled: '已核准', verified: '核准无误',
      corrected: '有误已发起更正', pending: '未核准', schools: '学校完成 {done}/{n}', late: '逾期未完成 {n} 所',
      classes: '班级完成 {done}/{n}', byUnit: '各单位核准情况（点击查看学生）'
    },
    fl: {
      title: '本学年学生流动', range: '{from} 至 {to}', followup: '离校未办结 {n} 人', byType: '按类型（点击数字查看学生）',
      total: '合计'
    }
  },
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
    list: '学生列表', q: '姓名，或完整的身份证号/学籍号', qHint: '按身份证号或学籍号查找须输入完整号码（18位身份证号或19位学籍号），不支持部分号码；每次按号码查找均记入审计日志，并有次数限制', school: '学校', grade: '年级', klass: '班级', status: '学籍状态',
    registryNo: '学籍号', name: '姓名', gender: '性别', birthDate: '出生日期', idNo: '身份证件号', dup: '疑似重复',
    record: '学生学籍档案', reveal: '显示完整信息', revealTitle: '显示完整信息',
    revealConfirm: '将显示该学生您有权查看的完整信息（身份证件号、学籍号或联系电话）。此操作将记入审计日志，是否继续？',
    revealed: '已显示完整信息，此操作已记入审计日志', revealNote: '证件号、学籍号和电话已脱敏显示',
    revealedNote: '当前显示完整信息（已记入审计日志）', events: '变动记录', noEvents: '暂无变动记录',
    aliases: '曾用学籍号', version: '版本', created: '创建时间', updated: '更新时间',
    editTitle: '编辑学籍信息', editNote: '姓名、性别、出生日期、证件类型、证件号和学籍号为关键字段，需走变更流程，此处不可修改。',
    onlyDup: '仅疑似重复', onlyWarned: '仅有校验警告', graduatedYear: '毕业生（按毕业年份）', graduatedOpt: '{y}年毕业生', outcome: '毕业结论', graduatedNote: '毕业生名单按毕业学校列出，显示学生现在的学校与状态；不能导出', maskedHint: '已脱敏显示；如需修改，请输入完整的新号码', saved: '已保存', conflict: '该记录已被他人修改，已重新加载，请核对后再保存。', noChanges: '没有修改'
  },
  codes: { title: '代码表', search: '按代码或名称搜索', print: '打印', code: '代码', name: '名称', count: '共{n}项', flag: '是否' },
  move: { button: '调班', title: '调班（同校同年级）', from: '现班级', to: '调入班级', reason: '调班原因', needClass: '请选择调入班级', needReason: '请填写调班原因', done: '已调班，已记入变动记录', noClass: '本校同年级没有其他班级' },
  group: { basic: '基本信息', identity: '身份信息', enrolment: '学籍信息', contact: '家庭与联系', other: '其他', g1: '家庭成员1', g2: '家庭成员2' },
  event: {
    change: {
      requested: '发起变动申请', step: { approved: '审批通过', rejected: '审批驳回', returned: '退回修改' }, withdrawn: '撤回申请', resubmitted: '重新提交',
      transfer_in: '转学生效', suspend: '休学生效', resume: '复学生效', withdraw: '退学生效', repeat: '留级生效', skip: '跳级生效',
      abroad: '出国(境)生效', death: '死亡注销生效', graduate: '毕业生效', correct: '信息变更生效', cancel: '注销生效', leave: '其他离校生效'
    },
    yearend: { promote: '学年升级', graduate: '毕业（学年升级）', rollback: '学年升级回退', primary_completed: '小学毕业（九年一贯制）' },
    progress: { promote: '升学', reenter: '恢复学籍' },
    dropout: { opened: '控辍保学立案', entry: '控辍保学记录', stage: '认定辍学', closed: '控辍保学销号/办结', reopened: '控辍保学重新立案' }, duplicate: { review: '重复学籍审核' }, warning: { confirm: '确认提示' }, move_class: '调班',
    create: '注册', created: '注册', register: '注册', registered: '注册', update: '修改', updated: '修改',
    reveal: '查看完整信息', gen: '系统生成', transfer: '转学', status: '学籍状态变动', import: '导入', merge: '合并', delete: '删除'
  },
  warn: {
    title: '提示信息', field: '项目', message: '内容', state: '状态', open: '待确认', confirmed: '已确认',
    confirmedBy: '{by} 于 {at} 确认：{reason}', confirm: '确认', confirmTitle: '确认提示（数据无误）',
    reason: '确认理由（必填，如：已核对户口簿）', needReason: '请填写确认理由', done: '已确认'
  },
  register: {
    idMismatch: '{fields}与身份证号不一致，请核对',
    title: '新生注册', school: '学校', klass: '班级', submit: '提交注册', reset: '清空', required: '必填',
    requiredMsg: '{label}为必填项', success: '注册成功', registryNo: '学籍号', openRecord: '查看学籍档案',
    another: '继续注册', dupWarn: '疑似重复学生：与下列学生姓名、出生日期和监护人电话相同，请核查', failed: '注册未成功',
    fixBelow: '请修改下列标红的字段', pickSchool: '请先选择学校', hint: '带 * 的为必填项'
  },
  imp: {
    template: '下载导入模板（XLSX）',
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
    reveal: '含完整信息', revealNote: '导出您有权查看的完整证件号或电话，将记入审计日志',
    revealConfirm: '导出的文件将包含您有权查看的完整身份证件号或联系电话。此操作将记入审计日志，是否继续？',
    started: '已开始下载', revealStarted: '已开始下载，此次导出已记入审计日志',
    jobTitle: '后台导出', jobRows: '已导出 {done} / {total} 行', jobDownload: '下载', jobClose: '关闭',
    jobStatus: { queued: '排队中…', running: '导出中…（可关闭此窗口，稍后在此下载）', done: '已完成，已开始下载', failed: '导出失败', cancelled: '已取消', deleted: '已删除' }
  },
  print: { card: '打印学籍卡', classCards: '打印全班学籍卡', actions: '操作', auditNote: '打印学籍卡将记入审计日志' },
  audit: {
    changes: '内容', title: '审计日志', at: '时间', user: '用户', ip: 'IP 地址', action: '操作', entity: '对象', entityId: '对象 ID',
    before: '修改前', after: '修改后', hash: '哈希', filterUser: '用户名', filterAction: '操作', filterEntity: '对象类型'
  },
  field: { registry_no: '学籍号', school_id: '学校', class_id: '班级', status: '学籍状态' },
  chType: {
    transfer_in: '转学（转入）', suspend: '休学', resume: '复学', withdraw: '退学', repeat: '留级', skip: '跳级',
    abroad: '出国(境)', death: '死亡', graduate: '毕业/结业/肄业', correct: '信息变更', cancel: '注销', leave: '其他离校'
  },
  chStatus: { pending: '审批中', approved: '已批准', rejected: '已驳回', returned: '已退回', withdrawn: '已撤回' },
  stepStatus: { later: '未开始', waiting: '待审批', approved: '已通过', rejected: '已驳回', returned: '已退回', cancelled: '已取消' },
  actorKind: { school: '学校', county: '县级教育局', city: '市级教育局', province: '省级教育局' },
  chAction: { submit: '提交申请', approve: '批准', reject: '驳回', return: '退回修改', withdraw: '撤回', resubmit: '重新提交', apply: '变动生效' },
  ch: {
    endDate: '休学截止日期', endDatePh: '不填为期满', endDateNote: '休学期限默认一学年（见变动设置），可提前截止，不能超过期限。', renewalNote: '该生正在休学：本申请为续休，从原截止日期次日起算，续休次数有限（见变动设置）。', menu: '学籍变动', start: '发起{type}申请', reason: '变动原因', reasonPh: '请填写变动原因（必填）', reasonCode: '原因类别',
    lostCapacity: '丧失学习能力', otherReason: '其他原因', compulsoryNote: '义务教育阶段（小学、初中）退学仅限“丧失学习能力”',
    targetGrade: '目标年级', targetClass: '目标班级', noClass: '暂不分班', outcome: '结果',
    outcomes: { graduated: '毕业', completed: '结业', incomplete: '肄业' }, outcomeNote: '毕业、结业仅限最高年级；肄业仅限最高年级或高中、中职阶段',
    corrections: '更正后的值', correctNote: '只填写需要更正的项目，其余留空；更正后的姓名、出生日期、性别须与身份证件号一致。',
    cancelNote: '注销用于作废错误建立的学籍，需上一级教育局审批。', submit: '提交申请', submitted: '申请已提交，等待审批',
    failed: '提交未成功', open: '该学生有未办结的变动申请', viewOpen: '查看申请', noneAvailable: '没有可发起的变动',
    chainNote: '提交后按审批流程逐级审批，最后一级批准后学籍才会变更。', needReason: '请填写变动原因', needGrade: '请选择目标年级',
    needOutcome: '请选择结果', needChanges: '请至少填写一项更正内容', gradeNone: '没有可选的年级'
  },
  todo: {
    title: '待办', tabTodo: '待我审批', tabStarted: '我发起的', tabAll: '全部', overdueOnly: '只看已超期', overdue: '已超期',
    deadline: '期限 {d}', id: '编号', type: '类型', student: '学生', from: '所在学校', to: '转入学校', waiting: '当前环节',
    status: '状态', created: '发起时间', initiator: '发起人', batchApprove: '批量批准', batchReject: '批量驳回',
    selected: '已选 {n} 项', rejectTitle: '批量驳回', rejectPh: '请填写驳回理由（必填）', approveConfirm: '确定批准选中的 {n} 项申请吗？',
    batchDone: '成功 {ok} 项，失败 {failed} 项', backlog: '各校积压', backlogWaiting: '待学校审批', backlogOverdue: '已超期',
    backlogOpen: '未办结申请', empty: '暂无申请', allTypes: '全部类型', allStatus: '全部状态', refresh: '刷新', failedItems: '失败：{list}'
  },
  review: {
    title: '变动申请（编号 {id}）', request: '申请内容', chain: '审批流程', history: '处理记录', record: '学生学籍档案',
    approve: '批准', reject: '驳回', return: '退回修改', withdraw: '撤回', resubmit: '重新提交', comment: '审批意见',
    commentPh: '审批意见（批准时可不填，驳回、退回必填）', needComment: '驳回或退回须填写理由', done: '已处理',
    conflict: '该申请已被他人处理或已变更，已重新加载', yourTurn: '请您审批', waitingFor: '当前由 {who} 审批',
    round: '第 {n} 轮', by: '处理人', at: '时间', deadline: '期限', startDate: '开始', withdrawConfirm: '确定撤回该申请吗？',
    resubmitReason: '修改后的变动原因', initiator: '发起人', created: '发起时间', closed: '办结时间', student: '学生',
    fromSchool: '所在学校', toSchool: '转入学校', toClass: '转入班级', grade: '目标年级', outcome: '结果', changes: '更正内容',
    reasonCode: '原因类别', status: '状态', type: '类型', applied: '变动已生效', closedNote: '该申请已办结', returnedNote: '申请已退回，请修改后重新提交或撤回'
  },
  tin: {
    title: '转入申请', intro: '输入学生完整的身份证件号或学籍号查找（精确匹配；每次查找都记入审计日志）。',
    byId: '身份证件号', byReg: '学籍号', value: '完整号码', find: '查找', notFound: '未找到该学生，请核对号码',
    found: '查找结果', school: '现就读学校', grade: '年级', status: '学籍状态', toClass: '转入班级', reason: '转学原因',
    reasonPh: '如：随父母工作调动', submit: '提交转入申请', done: '转入申请已提交', sameSchool: '该学生已在本校就读',
    needValue: '请输入完整号码', chainNote: '审批流程：转入地教育局 → 转出学校 → 转出地教育局（跨县）或 转出学校 → 教育局（同县）。'
  },
  zone: {
    title: '对口与学区', county: '区县', school: '学校', stage: '办学类型', feeders: '对口小学', townships: '学区乡镇',
    communities: '学区社区', communitiesHint: '输入社区名称后回车', save: '保存', saved: '已保存{name}的对口与学区',
    onlyJunior: '仅设初中年级的学校可设对口小学'
  },
  alloc: {
    title: '小升初分配', generate: '生成分配方案', regenerate: '重新生成', publish: '发布分配方案',
    publishConfirm: '发布后各初中学校即可看到新生名单，分配方案不能再修改。确定发布吗？', published: '已发布',
    draft: '草稿', none: '尚未生成分配方案（须先完成学年末升级）', year: '毕业学年', status: '状态', total: '毕业生',
    unmatched: '未匹配', school: '初中学校', students: '人数', girls: '女生', feeder: '对口', zone: '学区', moved: '调整',
    confirmed: '已确认', route: '分配方式', from: '毕业小学', to: '分配学校', reason: '调整原因', name: '姓名',
    gender: '性别', show: '查看名单', unmatchedList: '未匹配学生', move: '调整到…', moveTitle: '调整分配学校',
    needReason: '请填写调整原因', needSchool: '请选择学校', movedOk: '已调整 {n} 名学生', generated: '已生成分配方案',
    routes: { feeder: '对口', zone: '学区', moved: '调整（区外）', none: '未匹配' },
    choiceTitle: '择校统计（小升初录取）', choiceYear: '升学年份', choiceTotal: '全县合计', admitted: '录取人数',
    other: '其他（直接办理）', outOfZone: '区外录取', outOfZonePct: '区外占比', downloadList: '下载分配名单（Excel）', downloadChoice: '下载择校统计（Excel）'
  },
  intake: {
    title: '新生名单', none: '暂无待确认的新生', classes: '分入初一班级', classesHint: '不选则暂不分班',
    balance: '按性别与人数均衡分班', confirmAll: '全部确认入学', confirmSel: '确认所选学生',
    confirmed: '已确认 {n} 名学生升学入学', from: '毕业小学', route: '分配方式', name: '姓名', gender: '性别', reason: '说明'
  },
  ye: {
    title: '学年升级', step1: '选择范围', step2: '预览', step3: '执行', scope: '升级范围', school: '学校', county: '区县',
    scopeSchool: '单个学校', scopeCounty: '全县', next: '下一步', prev: '上一步', preview: '生成预览', years: '{from} → {to} 学年',
    promoted: '升级', graduated: '毕业', blocked: '暂缓（有未办结申请）', classes: '升级班级', alreadyDone: '本学年已升级',
    blockedList: '暂缓升级的学生', apply: '执行升级', applyTitle: '确认执行学年升级',
    applyConfirm: '将升级 {n} 名学生、{g} 名学生毕业，并创建下一学年的班级。执行后可回退（回退前不能有新的学籍变动）。是否继续？',
    applied: '学年升级已完成', runId: '升级批次号', rollback: '回退本次升级', rollbackConfirm: '确定回退本次学年升级吗？学生将恢复原年级、班级和状态。',
    rolledBack: '已回退，恢复 {n} 名学生', grade: '年级', toGrade: '升入', classNo: '班号', stage: '学段', name: '姓名',
    graduateTo: '毕业', previewNote: '预览不写入任何数据。', pickSchool: '请选择学校', pickCounty: '请选择区县', done: '已完成',
    completed: '结业', graduates: '毕业年级学生（未达到毕业要求的可标记为结业）', markCompleted: '标记结业',
    completedReason: '结业原因', needReason: '请填写结业原因', completedConfirm: '其中 {c} 名学生结业。'
  },
  stepKey: {
    from_school: '转出学校', county: '县教育局', city: '市教育局', province: '省教育厅',
    to_county: '转入县教育局', to_city: '转入市教育局', to_province: '转入省教育厅',
    from_county: '转出县教育局', from_city: '转出市教育局', from_province: '转出省教育厅'
  },
  cfg: {
    title: '变动设置', intro: '各省学籍管理细则不同的规定在此设置（默认值依据学籍管理办法及常见省级细则）。每次修改都记入审计日志。',
    dropout: '控辍保学', dropout_days: '疑似辍学超过多少个上课日未返校认定为辍学', retention_target: '巩固率目标（%）', followup_days: '离校手续未办结：超过多少天列入跟进名单',
    deadlines: '办理期限', chains: '审批流程', repeat: '留级', transfer: '转学时段', suspend: '休学',
    step_days: '每个审批环节期限（工作日）', death_days: '死亡注销期限（工作日）',
    senior_authority: '高中、中职学籍主管部门', authCity: '市级教育局', authCounty: '县级教育局',
    chain_city: '跨市转学增加市级教育局审批', chain_cityNote: '默认不增加：同省跨县、跨市均为 转入县 → 转出学校 → 转出县',
    repeat_compulsory: '义务教育阶段允许留级', repeat_senior3: '高三允许留级', repeat_cap_pct: '每学年每年级留级人数上限（占年级人数 %）',
    transfer_entry_term: '起始年级第一学期不办理转学', transfer_graduating: '毕业年级不办理转学',
    suspend_years: '休学期限（学年）', suspend_renewals: '可续休次数',
    save: '保存设置', saved: '设置已保存', reset: '恢复', yes: '是', no: '否',
    holidays: '节假日与调休', holidaysIntro: '计算审批期限时跳过周末和节假日；调休上班日按工作日计算。',
    year: '年份', date: '日期', kind: '类型', name: '名称', holiday: '节假日', workday: '调休上班',
    add: '添加', remove: '删除', removeConfirm: '确定删除 {d} 吗？', added: '已添加', removed: '已删除', needDate: '请选择日期',
    none: '本年未设置节假日'
  },
  sys: {
    title: '系统设置', intro: '会话、登录限制、用户管理、批量导入队列与重复学籍筛查的参数。取值范围由服务器检查，每次修改都记入审计日志。',
    group: { attendance: '考勤与控辍', session: '登录与会话', users: '用户管理', import: '批量导入', duplicates: '重复学籍筛查', other: '其他' },
    session_idle_minutes: '会话空闲超时', login_address_failures: '同一地址登录失败上限', bureau_manages_users: '教育局管理本辖区用户',
    import_queue_max_jobs: '导入队列任务数上限', import_queue_max_jobs_per_user: '每个用户的导入任务数上限',
    import_queue_max_bytes: '导入队列文件总大小上限', import_queue_max_bytes_per_user: '每个用户的导入文件总大小上限',
    import_retention_days: '导入记录保留天数', dup_guardian_max: '同一监护人子女数上限',
    attend_suspect_days: '疑似辍学：连续旷课天数', attend_dropout_days: '辍学：连续旷课天数', attend_term_suspect_days: '疑似辍学：学期累计旷课天数', attend_term_dropout_days: '辍学：学期累计旷课天数', dropout_sweep_hour: '每日控辍排查时刻（时）',
    help: {
      attend_suspect_days: '连续旷课超过此天数（按教学日计，周末和节假日不中断）列为疑似辍学。',
      attend_dropout_days: '连续旷课超过此天数列为辍学。',
      attend_term_suspect_days: '一学期累计旷课超过此天数列为疑似辍学。',
      attend_term_dropout_days: '一学期累计旷课超过此天数列为辍学。',
      dropout_sweep_hour: '服务器每天在此时刻（0–23 时，北京时间）之后自动排查一次：其他离校、休学期满未复学、连续或累计旷课达到阈值的学生立案（一人一案），并按规则升级为辍学。-1 表示只在“立即排查”时进行。',
      session_idle_minutes: '超过这么多分钟没有操作，登录自动失效，需要重新登录。',
      login_address_failures: '同一网络地址15分钟内登录失败达到此次数后须等待再试，防止猜测密码。',
      bureau_manages_users: '开启后，县（区）、市教育局用户可以管理本辖区的用户账号；关闭时只有系统管理员可以。',
      import_queue_max_jobs: '全系统排队或正在执行的导入任务数，超过时新的导入被拒绝（稍后再试）。',
      import_queue_max_jobs_per_user: '一个用户排队或正在执行的导入任务数。',
      import_queue_max_bytes: '全系统排队或正在执行的导入文件总大小。',
      import_queue_max_bytes_per_user: '一个用户排队或正在执行的导入文件总大小。',
      import_retention_days: '导入任务、错误明细和导入报告保留的天数，到期自动删除。',
      dup_guardian_max: '同一监护人身份证件号名下的学生超过此数时，重复学籍筛查将其列为疑似重复。'
    },
    bounds: '默认 {def}，可设 {min}～{max}。', boundsBool: '默认{def}。',
    unit: { minutes: '分钟', days: '天', mib: 'MiB', none: '' },
    on: '开启', off: '关闭', save: '保存设置', saved: '设置已保存', reset: '还原', fieldFailed: '{f}：{m}'
  },
  do: {
    title: '控辍保学案件', intro: '一人一案：其他离校、休学期满未复学及学校/教育局立案的义务教育阶段学生。记录联系、家访、书面报告和劝返情况，学生返校后动态销号。',
    status: '状态', open: '未办结', closed: '已办结', stage: '阶段', source: '来源', school: '学校', student: '学生', registryNo: '学籍号',
    grade: '年级', klass: '班级', openedOn: '立案日期', dropoutOn: '认定辍学日期', outcome: '办结结果', detail: '立案原因', empty: '没有案件',
    sweep: '立即排查', swept: '排查完成：新立案 {opened} 件，认定辍学 {escalated} 件', studentStatus: '学籍状态', closedAt: '办结时间',
    stages: { suspected: '疑似辍学', dropout: '辍学' },
    sources: { left: '其他离校', suspension: '休学逾期未复学', manual: '学校/教育局立案', absence: '无故缺勤' },
    kinds: { open: '立案', contact: '联系家长', home_visit: '家访', report: '书面报告', persuasion: '劝返', note: '备注', stage: '认定辍学', close: '办结', reopen: '重新立案' },
    outcomes: { returned: '返校复课（动态销号）', transferred: '转学（手续完备）', abroad: '出国（境）（有证明）', deceased: '死亡', special_education: '特殊教育安置/送教上门', lost_capacity: '丧失学习能力', aged_out: '超出义务教育年龄' },
    timeline: '案件记录', addEntry: '添加记录', kind: '记录类型', happenedOn: '日期', method: '方式', participants: '参与人员', reportedTo: '报送对象',
    entryOutcome: '结果', entryDetail: '情况说明', save: '保存记录', saved: '已记录', by: '记录人',
    methodPh: '如：电话、上门、约谈', participantsPh: '如：班主任、村委会、镇干部', reportedToPh: '如：乡镇人民政府、县教育局',
    close: '办结案件', closeTitle: '办结案件', reason: '理由', reasonPh: '请填写理由（必填）', closedOk: '案件已办结',
    reopen: '重新立案', reopened: '已重新立案', decide: '认定为辍学', decided: '已认定为辍学',
    openCase: '控辍保学立案', openReason: '立案原因（必填）', opened: '已立案', existing: '该生已有未办结的案件',
    needKind: '请选择记录类型', needDate: '请选择日期',
    ledger: '控辍保学台账', ledgerIntro: '义务教育阶段在籍学生、疑似辍学、辍学和本期返校情况；巩固率低于目标的学校标红。',
    from: '起', to: '止', onRoll: '义务教育在籍', suspected: '疑似辍学', dropouts: '辍学', returned: '本期返校销号', closedOther: '本期其他办结',
    retention: '巩固率', target: '目标 {n}%', total: '合计', monthly: '学校月报', quarterly: '县区季度复核', month: '月份', quarter: '季度', county: '县区代码',
    download: '下载 XLSX', studentLink: '学生档案'
  },
  cs: {
    title: '班额', intro: '本学年每个班级按在读人数分档（正常、偏大班额、大班额、超大班额）；学期初的分档按当日学籍计算，之后的变动不改变历史数字。',
    schools: '学校数', classes: '班级数', largeShare: '大班额占比', moves: '本学年调入大班额', export: '导出Excel',
    trend: '各学期初班额分档', asOf: '统计日', term: '学期', termN: '第{n}学期', filter: '按学校名称或标识码筛选',
    grade: '年级', klass: '班级', size: '在读人数', bandCol: '班额', standard: '标准班额', noClasses: '本学年没有班级',
    settingsCounty: '本县班额设置（{c}）', settingsGlobal: '全局班额设置', saved: '班额设置已保存',
    band: { normal: '正常班额', large_ish: '偏大班额', large: '大班额', super: '超大班额' },
    set: { largeish_from: '偏大班额起', large_from: '大班额起', super_from: '超大班额起', std_primary: '小学标准', std_junior: '初中标准', std_senior: '高中标准', refuse_into_oversized: '禁止调入已达大班额的班级' },
    warn: '班级{klass}编入后共{size}人，属{band}（标准班额{std}人）'
  },
  flows: {
    title: '学生流动', intro: '已办结的转学、升学、重新入学与退学、出国（境）、死亡、其他离校、注销，按流出地与流入地、类型、年级和月份统计；点击任一数字查看对应学生。',
    range: '日期范围', level: '统计层级', levels: { school: '学校', county: '县', city: '市', province: '省' }, type: '类型', grade: '年级', month: '月份', all: '全部',
    types: { transfer: '转学', promote: '升学', reenter: '重新入学', withdraw: '退学', abroad: '出国(境)', death: '死亡', leave: '其他离校', cancel: '注销' },
    dir: { out: '流出', in: '流入', internal: '内部' }, direction: '方向', outside: '系统外（去向不明）',
    xlsx: '导出 XLSX', none: '所选范围内没有流动', table: '流动明细', origin: '流出地', destination: '流入地', count: '人数',
    by_type: '按类型', by_grade: '按年级', by_month: '按月份', choice: '小升初择校统计（区外录取、按录取方式）',
    followup: '离校手续未办结', followupIntro: '已在一端办理、超过 {n} 天仍未办结的转学与升学，以及无控辍保学个案跟进的其他离校学生。',
    inCases: '另有 {n} 名其他离校学生在控辍保学个案中跟进', suspensions: '休学到期未复学',
    noFollowup: '没有需要跟进的学生', student: '学生', registryNo: '学籍号', kind: '情形', kinds: { transfer: '转学未办结', promote: '升学未办结', left: '其他离校' },
    school: '原学校', toSchool: '去向学校', request: '申请', since: '起始日期', waited: '已等待', days: '{n} 天', students: '流动学生', date: '日期'
  },
  susp: {
    title: '休学到期未复学', intro: '休学期满仍未办理复学的学生，请及时跟进（复学、续休或其他变动）。',
    student: '学生', registryNo: '学籍号', school: '学校', grade: '年级', klass: '班级', start: '休学开始', end: '休学截止',
    renewal: '续休', renewalN: '第 {n} 次续休', over: '超期天数', empty: '没有到期未复学的学生', days: '{n} 天'
  },
  fmt: {
    otherEvent: '其他记录', otherAction: '其他操作', otherEntity: '其他对象', otherField: '其他信息', otherValue: '其他',
    otherStep: '审批环节', otherSchool: '其他学校', otherClass: '其他学校的班级', otherSchoolMove: '在其他学校调班', empty: '（空）', removed: '（已删除）'
  },
  evField: {
    reason: '原因', comment: '意见', step: '审批环节', type: '变动类型', to_school_id: '转入学校', from_school_id: '转出学校',
    to_class_id: '转入班级', outcome: '结果', reason_code: '原因类别', end_date: '截止日期', start_date: '开始日期',
    renewal: '续休次数', suspended_until: '休学截止', grade: '年级', status: '状态', registry_no: '学籍号',
    role: '角色', region_code: '管辖区域', display_name: '姓名', username: '用户名', disabled: '停用', fields: '查看的字段',
    how: '查询方式', number: '号码', found: '找到', count: '数量', rows: '行数', file: '文件', key: '密钥', format: '格式',
    reveal: '含完整信息', school_year: '学年', students: '学生人数', promoted: '升级人数', graduated: '毕业人数',
    classes: '班级数', imported: '导入行数', rejected: '错误行数', ids: '申请', action: '操作', date: '日期', kind: '类别',
    name: '名称', feeders: '对口小学', townships: '学区乡镇', communities: '学区社区', matches: '匹配', other_id: '另一学籍',
    window_start: '开始日期', window_end: '截止日期', dup_flag: '疑似重复', duplicate: '重复学籍', classes_removed: '删除的班级',
    restored: '恢复人数', county: '县（区）', school_id: '学校', class_id: '班级', scope: '范围', total: '总数', moved: '调整人数'
  },
  fmtValue: {
    id_no: '身份证件号', registry_no: '学籍号', other_id: '其他证件号', name: '姓名', lost_capacity: '丧失学习能力',
    from_school: '转出学校', to_county: '转入县教育局'
  },
  auditAction: {
    student: {
      register: '注册学籍', update: '修改学籍信息', change: '学籍变动生效', export: '导出学生名单', reveal: '查看完整信息',
      search: '按号码查询', lookup: '查找学生', print: '打印学籍卡', promote: '升学', reenter: '恢复学籍', move_class: '调班',
      warning_confirm: '确认提示'
    },
    change: { create: '发起变动申请', approve: '审批通过', reject: '审批驳回', return: '退回修改', withdraw: '撤回申请', resubmit: '重新提交' },
    user: { add: '添加用户', create: '创建用户', update: '修改用户', passwd: '修改密码', password_reset: '重置密码' },
    settings: { update: '修改设置', yearend: '修改学年升级时段' },
    yearend: { apply: '执行学年升级', rollback: '回退学年升级' },
    allocation: { generate: '生成小升初分配', move: '调整分配', publish: '发布分配', export: '导出小升初分配名单', choice_export: '导出择校统计' },
    import: { students: '批量导入学生' },
    duplicate: { scan: '全县重复学籍筛查', confirm: '确认重复学籍', dismiss: '排除重复嫌疑', merge: '合并重复学籍' },
    holiday: { put: '设置节假日', delete: '删除节假日' },
    zone: { put: '设置对口与学区' },
    audit: { key: '审计密钥' },
    password_change: '修改本人密码', login: '登录', logout: '退出登录', init: '初始化数据库', gen: '生成测试数据'
  },
  auditEntity: {
    student: '学生', change: '变动申请', user: '用户', settings: '设置', yearend: '学年升级', allocation: '小升初分配',
    import: '导入', county: '县（区）', database: '数据库', audit: '审计日志', school: '学校', holiday: '节假日',
    privacy: '隐私设置', system: '系统设置', export: '导出', duplicate_flag: '重复学籍', class: '班级', region: '行政区'
  }
}
