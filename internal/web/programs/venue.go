package programs

import (
	"net/http"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// The venue pages (阵地, M3): the compliance list of a subtree's villages
// and communities with its counts and charts, one organization's venue
// with its photos and its check against the standard, the venue's form,
// and the standards a county or a city sets.

// venueRoutes are the pages of the venues.
func (h *Pages) venueRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/venues", module.Web, h.VenueList),
		module.R("GET", "/venues/export.xlsx", module.Web, h.VenueExport),
		module.R("GET", "/venues/open", module.Web, h.VenueOpen),
		module.R("GET", "/venues/orgs/{id}", module.Web, h.VenueShow),
		module.R("GET", "/venues/orgs/{id}/edit", module.Web, h.VenueEditForm),
		module.R("POST", "/venues/orgs/{id}/edit", module.Web, h.VenueEdit),
		module.R("POST", "/venues/orgs/{id}/photos", module.Web, h.VenuePhotoUpload),
		module.R("GET", "/venues/orgs/{id}/photos/{fid}", module.Web, h.VenuePhoto),
		module.R("POST", "/venues/orgs/{id}/photos/{fid}/delete", module.Web, h.VenuePhotoDelete),
		module.R("GET", "/venues/standards", module.Web, h.VenueStandards),
		module.R("POST", "/venues/standards", module.Web, h.VenueStandardSet),
		module.R("POST", "/venues/standards/clear", module.Web, h.VenueStandardClear),
	}
}

// venueLabels are the labels of the venue's choices in one language, for
// the templates: functions, kinds and statuses by key.
type venueLabels struct {
	Fn, Kind, Status map[string]string
	Functions, Kinds []org.Choice
	Statuses         []org.Choice
}

func labelsOf(cs []org.Choice, lang string) map[string]string {
	m := make(map[string]string, len(cs))
	for _, c := range cs {
		m[c.Key] = c.In(lang)
	}
	return m
}

func newVenueLabels(lang string) venueLabels {
	return venueLabels{Fn: labelsOf(programs.VenueFunctions, lang), Kind: labelsOf(programs.VenueKinds, lang), Status: labelsOf(programs.VenueStatuses, lang),
		Functions: programs.VenueFunctions, Kinds: programs.VenueKinds, Statuses: programs.VenueStatuses}
}

// fnList writes function keys as their labels, joined.
func fnList(keys []string, lang string) string {
	sep := "、"
	if lang == i18n.EN {
		sep = ", "
	}
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += sep
		}
		out += org.LabelOf(programs.VenueFunctions, k, lang)
	}
	return out
}

func venueHref(orgID int64) string { return "/venues/orgs/" + strconv.FormatInt(orgID, 10) }

// venueScope reads the organization of ?org= (picked with the organization
// picker); without one, the top of the actor's scope where it has one top.
func (h *Pages) venueScope(r *http.Request, p *web.Page, field string) (org.Org, error) {
	ctx, actor := r.Context(), web.Actor(r)
	v := r.URL.Query()
	if err := h.ResolveOrg(ctx, actor, v, field, web.PickFilter{}); err != nil {
		if errs.As(err).Field != field || p == nil {
			return org.Org{}, err
		}
		p.Errors[field] = web.ErrMessage(err, p.Lang)
	}
	if p != nil {
		p.Form = v
	}
	s := v.Get(field)
	if s == "" {
		roots := actor.Scopes(programs.ProgramsRead)
		if len(roots) != 1 {
			return org.Org{}, nil
		}
		ids := org.PathIDs(roots[0])
		o, err := h.Orgs.Get(ctx, actor, ids[len(ids)-1])
		if err != nil {
			return org.Org{}, nil
		}
		if p != nil {
			p.Form.Set(field, strconv.FormatInt(o.ID, 10))
		}
		return o, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return org.Org{}, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
	}
	return h.Orgs.Get(ctx, actor, id)
}

// venueCrumbs are the crumbs of a venue page: the list, then extra.
func (h *Pages) venueCrumbs(p *web.Page, extra ...web.Crumb) {
	p.Crumbs = append([]web.Crumb{{Label: h.T(p.Lang, "nav.venues"), Href: "/venues"}}, extra...)
}

// venueMessages is the catalogue of the venue pages.
var venueMessages = i18n.Catalog{
	"nav.venues":                  {ZH: "阵地建设", EN: "Venues"},
	"action.venue.create":         {ZH: "登记阵地", EN: "Record a venue"},
	"action.venue.update":         {ZH: "修改阵地", EN: "Change a venue"},
	"action.venue.photo_add":      {ZH: "上传阵地照片", EN: "Upload venue photos"},
	"action.venue.photo_delete":   {ZH: "删除阵地照片", EN: "Delete a venue photo"},
	"action.venue.standard":       {ZH: "制定阵地标准", EN: "Set a venue standard"},
	"action.venue.standard_clear": {ZH: "取消阵地标准", EN: "Remove a venue standard"},

	"ven.title":            {ZH: "阵地建设", EN: "Venues"},
	"ven.sub":              {ZH: "村（社区）组织活动场所达标情况", EN: "Village and community venues against their standards"},
	"ven.scope":            {ZH: "范围", EN: "Scope"},
	"ven.org_pick":         {ZH: "党组织", EN: "Organization"},
	"ven.standards":        {ZH: "阵地标准", EN: "Standards"},
	"ven.own":              {ZH: "%s的阵地", EN: "The venue of %s"},
	"ven.open":             {ZH: "查看其他党组织的阵地", EN: "Another organization's venue"},
	"ven.open_hint":        {ZH: "两新组织等不在达标清单中的党组织，可在此查看或登记其阵地", EN: "Organizations outside the compliance list (such as those of enterprises) record their venue here"},
	"ven.open_go":          {ZH: "打开", EN: "Open"},
	"ven.kpi_total":        {ZH: "村（社区）", EN: "Villages and communities"},
	"ven.kpi_with":         {ZH: "已登记阵地", EN: "Venue recorded"},
	"ven.kpi_compliant":    {ZH: "达标", EN: "Meet the standard"},
	"ven.kpi_noncompliant": {ZH: "未达标", EN: "Below the standard"},
	"ven.kpi_none":         {ZH: "未登记阵地", EN: "No venue recorded"},
	"ven.kpi_share":        {ZH: "占 %s", EN: "%s of all"},
	"ven.kpi_short":        {ZH: "面积不足 %s · 功能不全 %s", EN: "too small %s · functions missing %s"},
	"ven.chart_status":     {ZH: "阵地达标情况", EN: "Venues against the standard"},
	"ven.chart_parts":      {ZH: "各单位阵地达标率", EN: "Share meeting the standard, by organization"},
	"ven.drill":            {ZH: "点击图中的单位可查看其下级的情况。", EN: "Click an organization in the chart to see its own."},
	"ven.unit_orgs":        {ZH: "个", EN: "organizations"},
	"ven.all_kinds":        {ZH: "全部类别", EN: "Villages and communities"},
	"ven.all_statuses":     {ZH: "全部状态", EN: "Any state"},
	"ven.noncompliant":     {ZH: "未达标（全部）", EN: "Below the standard (all)"},
	"ven.search_name":      {ZH: "名称或区划代码", EN: "Name or division code"},
	"ven.clear":            {ZH: "清除筛选", EN: "Clear filters"},
	"ven.org":              {ZH: "党组织", EN: "Organization"},
	"ven.kind":             {ZH: "类别", EN: "Kind"},
	"ven.area":             {ZH: "面积（㎡）", EN: "Area (m²)"},
	"ven.area_label":       {ZH: "面积（平方米）", EN: "Area (m²)"},
	"ven.functions":        {ZH: "功能", EN: "Functions"},
	"ven.hours":            {ZH: "开放时间", EN: "Opening hours"},
	"ven.address":          {ZH: "地址", EN: "Address"},
	"ven.facilities":       {ZH: "设施设备", EN: "Facilities"},
	"ven.photos":           {ZH: "照片", EN: "Photos"},
	"ven.status":           {ZH: "达标情况", EN: "Standard"},
	"ven.updated":          {ZH: "更新时间", EN: "Updated"},
	"ven.updated_by":       {ZH: "%s 于 %s 更新", EN: "updated by %s on %s"},
	"ven.version":          {ZH: "版本", EN: "Version"},
	"ven.short_by":         {ZH: "差 %s ㎡", EN: "%s m² short"},
	"ven.lacks":            {ZH: "缺", EN: "lacks "},
	"ven.not_recorded":     {ZH: "未登记", EN: "Not recorded"},
	"ven.empty":            {ZH: "范围内没有村或社区党组织。可在上方选择其他党组织。", EN: "There is no village or community organization in this scope: choose another organization above."},
	"ven.note":             {ZH: "达标情况按各村（社区）适用的标准判断：县（市、区）或市制定的标准优先，未制定时使用系统默认标准。", EN: "Each venue is checked against the standard that applies to it: the county's or the city's where one is set, else the built-in default."},
	"ven.note_export":      {ZH: "各阵地的功能、开放时间和地址见其页面或导出的 Excel。", EN: " Each venue's functions, opening hours and address are on its page and in the Excel export."},
	"ven.venue_of":         {ZH: "阵地", EN: "Venue"},
	"ven.record":           {ZH: "登记阵地", EN: "Record the venue"},
	"ven.edit":             {ZH: "修改阵地信息", EN: "Edit the venue"},
	"ven.back":             {ZH: "返回阵地清单", EN: "Back to the list"},
	"ven.none_yet":         {ZH: "尚未登记阵地。请登记阵地面积、功能、开放时间和地址，再上传照片。", EN: "No venue recorded yet: record its area, functions, opening hours and address, then upload photos."},
	"ven.none_read":        {ZH: "尚未登记阵地。", EN: "No venue recorded yet."},
	"ven.details":          {ZH: "阵地信息", EN: "The venue"},
	"ven.check":            {ZH: "对照标准", EN: "Against the standard"},
	"ven.no_standard":      {ZH: "该党组织不属于村或社区，不对照村（社区）阵地标准。", EN: "This organization is neither a village's nor a community's: no venue standard applies to it."},
	"ven.standard_line":    {ZH: "不少于 %s ㎡", EN: "at least %s m²"},
	"ven.required":         {ZH: "必备功能", EN: "Required functions"},
	"ven.min_area":         {ZH: "最低面积", EN: "Least area"},
	"ven.source":           {ZH: "制定单位", EN: "Set by"},
	"ven.default":          {ZH: "系统默认（待县级确认）", EN: "Built-in default (for the county to confirm)"},
	"ven.none_required":    {ZH: "无", EN: "None"},
	"ven.dissolved":        {ZH: "该党组织已撤销，阵地信息仅供查阅。", EN: "This organization has been dissolved: its venue is kept for reference."},
	"ven.photos_none":      {ZH: "尚无照片。", EN: "No photos yet."},
	"ven.photo_add":        {ZH: "上传照片", EN: "Upload photos"},
	"ven.photo_pick":       {ZH: "选择照片", EN: "Choose photos"},
	"ven.photo_hint":       {ZH: "最多 5 张 JPG 或 PNG 图片，每张不超过 10 MB；上传时会去除照片中的拍摄地点、时间和设备等信息。", EN: "Up to 5 JPG or PNG images of at most 10 MB each; the place, time and camera a photo records are removed on upload."},
	"ven.photo_full":       {ZH: "已有 5 张照片，如需更换请先删除。", EN: "There are 5 photos already: delete one to upload another."},
	"ven.photo_delete":     {ZH: "删除", EN: "Delete"},
	"ven.photo_confirm":    {ZH: "删除这张照片？删除后不能恢复。", EN: "Delete this photo? This cannot be undone."},
	"ven.photo_first":      {ZH: "登记阵地信息后可上传照片。", EN: "Photos can be uploaded once the venue is recorded."},
	"ven.form_title":       {ZH: "登记阵地", EN: "Record the venue"},
	"ven.form_edit":        {ZH: "修改阵地", EN: "Edit the venue"},
	"ven.area_hint":        {ZH: "建筑面积，整数，1–10000", EN: "Floor area, a whole number from 1 to 10,000"},
	"ven.functions_hint":   {ZH: "可多选", EN: "Choose all that apply"},
	"ven.hours_hint":       {ZH: "如：周一至周五 8:30–12:00，14:30–17:30", EN: "e.g. Mon–Fri 8:30–12:00, 14:30–17:30"},
	"ven.facilities_hint":  {ZH: "如：投影仪、会议桌椅、图书、便民服务台（最多 1000 字）", EN: "e.g. projector, tables and chairs, books, service desk (at most 1,000 characters)"},
	"ven.applies":          {ZH: "适用标准：%s", EN: "Standard that applies: %s"},
	"ven.save":             {ZH: "保存", EN: "Save"},
	"ven.version_note":     {ZH: "保存时若他人已修改，将提示您核对后再保存。", EN: "If someone else changed the venue meanwhile, you will be asked to check before saving again."},

	"ven.std_title":     {ZH: "阵地标准", EN: "Venue standards"},
	"ven.std_sub":       {ZH: "县（市、区）或市制定，适用于其下级全部村（社区）", EN: "Set by a county or the city for all the villages and communities below it"},
	"ven.std_applies":   {ZH: "在%s适用的标准", EN: "Standards that apply at %s"},
	"ven.std_set":       {ZH: "已制定的标准", EN: "Standards set"},
	"ven.std_set_none":  {ZH: "范围内尚未制定标准，均使用系统默认标准。", EN: "No standard has been set in this scope: the built-in defaults apply."},
	"ven.std_new":       {ZH: "制定或修改标准", EN: "Set or change a standard"},
	"ven.std_org":       {ZH: "制定单位", EN: "Set by"},
	"ven.std_org_hint":  {ZH: "县（市、区）或市级党组织；已有同类标准的将被修改", EN: "A county or city organization; an existing standard of the same kind is changed"},
	"ven.std_kind":      {ZH: "适用类别", EN: "For"},
	"ven.std_area":      {ZH: "最低面积（平方米）", EN: "Least area (m²)"},
	"ven.std_fns":       {ZH: "必备功能", EN: "Required functions"},
	"ven.std_save":      {ZH: "保存标准", EN: "Save the standard"},
	"ven.std_clear":     {ZH: "取消该标准", EN: "Remove"},
	"ven.actions":       {ZH: "操作", EN: "Actions"},
	"ven.std_form_note": {ZH: "保存后立即适用于该单位下级的全部村（社区）。", EN: "The standard applies at once to every village or community below the organization."},
	"ven.std_confirm":   {ZH: "取消该标准？其下级将改用上级制定的标准或系统默认标准。", EN: "Remove this standard? The organizations below will follow the standard above or the default."},
	"ven.std_default_note": {ZH: "系统默认标准（村不少于 200 平方米、社区不少于 300 平方米）是待各县（市、区）确认的设置，并非出自某一具体文件；请按本地文件制定标准。",
		EN: "The built-in defaults (200 m² for a village, 300 m² for a community) are a setting for each county to confirm, not figures from one binding document: set your own from the local rules."},
	"ven.std_choose": {ZH: "请选择", EN: "Choose"},
}
