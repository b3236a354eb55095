package programs

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// seedVenues records the venues of most villages and communities of the
// demo's Nanning, some below the standard, some missing a function, some
// without a venue at all; the venues of about half the 两新 organizations
// (which the coverage module's "units with a venue" counts); a county's
// own standard; and a few photos. The data is pseudo-random with a fixed
// seed.
func (s *Service) seedVenues(ctx context.Context, in module.Seeding) (string, error) {
	sys := access.SystemActor("demo")
	root, err := s.orgs.Get(ctx, sys, in.RootID)
	if err != nil {
		return "", err
	}
	r := rand.New(rand.NewPCG(4501, 56))
	villages, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: root.ID, Level: "village", Limit: 100000, Sort: "code"})
	if err != nil {
		return "", err
	}
	var units []org.Org
	for _, cat := range []string{"private", "social"} {
		os, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: root.ID, Category: cat, Limit: 100000, Sort: "created"})
		if err != nil {
			return "", err
		}
		units = append(units, os...)
	}
	now := s.now()
	var rows [][]any
	var photoOrgs []org.Org
	add := func(o org.Org, area int, fns []string, hours, facilities string) {
		at := db.FormatTime(now.Add(-time.Duration(r.IntN(600*24)) * time.Hour))
		rows = append(rows, []any{o.ID, area, strings.Join(fns, ","), hours, facilities, demoVenueAddress(o), at, at, "demo", 1})
	}
	for _, o := range villages {
		kind := venueKind(o.Level, o.Category)
		if kind == "" || r.Float64() < 0.1 {
			continue // about one in ten has no venue recorded
		}
		std := DefaultVenueStandards[kind]
		area := std.MinArea + 20 + r.IntN(std.MinArea*2)
		if r.Float64() < 0.12 {
			area = std.MinArea/2 + r.IntN(std.MinArea/2) // below the standard
		}
		fns := append([]string{}, std.Functions...)
		if r.Float64() < 0.1 {
			i := r.IntN(len(fns)) // a required function missing
			fns = append(fns[:i:i], fns[i+1:]...)
		}
		for _, extra := range []string{"meeting_room", "reading_room", "sports_room"} {
			if r.Float64() < 0.6 {
				fns = append(fns, extra)
			}
		}
		var f errs.Fields
		fns = venueFunctions("functions", fns, &f)
		add(o, area, fns, demoVenueHours[r.IntN(len(demoVenueHours))], demoVenueFacilities[r.IntN(len(demoVenueFacilities))])
		if len(photoOrgs) < 6 && r.Float64() < 0.05 {
			photoOrgs = append(photoOrgs, o)
		}
	}
	for _, o := range units {
		if r.Float64() < 0.45 {
			continue
		}
		fns := []string{"party_room"}
		if r.Float64() < 0.5 {
			fns = append(fns, "meeting_room")
		}
		add(o, 20+r.IntN(180), fns, "工作日 9:00–18:00，组织生活时段优先", "党旗、入党誓词墙、党员学习书架、投影设备")
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.BatchInsert(ctx, "venues", []string{"org_id", "area", "functions", "opening_hours", "facilities", "address", "created_at", "updated_at", "updated_by", "version"}, rows, 300); err != nil {
			return errs.Wrap(err, "demo venues")
		}
		for i, o := range photoOrgs {
			var vid int64
			if err := tx.QueryRow(ctx, "SELECT id FROM venues WHERE org_id = ?", o.ID).Scan(&vid); err != nil {
				return errs.Wrap(err, "demo venue")
			}
			for j := range 1 + i%3 {
				b, err := demoVenuePhoto(r)
				if err != nil {
					return errs.Wrap(err, "demo venue photo")
				}
				a, err := cases.CheckAttachment(fmt.Sprintf("阵地照片%d.png", j+1), b)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "INSERT INTO venue_photos (venue_id, name, mime, size, data, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
					vid, a.Name, a.MIME, len(a.Data), a.Data, db.FormatTime(now), "demo"); err != nil {
					return errs.Wrap(err, "demo venue photo")
				}
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	// 青秀区 asks more of its communities than the default.
	if q, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: root.ID, RegionCode: "450103", Limit: 1}); err == nil && len(q) == 1 {
		if _, err := s.SetVenueStandard(ctx, sys, VenueStandardInput{OrgID: q[0].ID, Kind: "community", MinArea: 350,
			Functions: []string{"party_room", "service_center", "reading_room", "service_window"}}); err != nil {
			return "", err
		}
	}
	l, err := s.VenueCompliance(ctx, sys, VenueQuery{Under: root.ID, Limit: 1})
	if err != nil {
		return "", err
	}
	return "阵地：" + venueSummary(l.Counts) + fmt.Sprintf("；两新组织阵地 %d 个", len(rows)-l.Counts.WithVenue), nil
}

// demoVenueAddress is an address for the venue of o.
func demoVenueAddress(o org.Org) string {
	name := strings.TrimSuffix(strings.TrimPrefix(o.Label(), "中共"), "党支部")
	name = strings.TrimSuffix(name, "党委")
	name = strings.TrimSuffix(name, "委员会")
	if o.Category == "community" || o.Category == "rural" {
		return "南宁市" + name + "党群服务中心"
	}
	return "南宁市" + name + "党员活动室"
}

var demoVenueHours = []string{
	"周一至周五 8:30–12:00，14:30–17:30；周六上午 9:00–12:00",
	"周一至周日 8:00–20:00",
	"工作日 9:00–17:00，节假日值班",
	"周一至周五 8:00–12:00，15:00–18:00",
}

var demoVenueFacilities = []string{
	"党旗、入党誓词墙、投影仪、会议桌椅 40 套、图书 1,200 册",
	"党员电教设备、远程教育站点、便民服务台、无障碍通道",
	"多功能厅（可容纳 80 人）、议事室、图书角、健身器材",
	"党务公开栏、村务公开栏、调解室、卫生室",
}

// demoVenuePhoto draws a small picture of a venue: sky, a building with a
// red band and a flag, windows and the ground, in colours drawn from r.
func demoVenuePhoto(r *rand.Rand) ([]byte, error) {
	const w, h = 480, 320
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sky := color.RGBA{uint8(150 + r.IntN(60)), uint8(190 + r.IntN(40)), 235, 255}
	wall := color.RGBA{uint8(225 + r.IntN(30)), uint8(215 + r.IntN(30)), uint8(195 + r.IntN(40)), 255}
	red := color.RGBA{200, 22, 30, 255}
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := max(y0, 0); y < min(y1, h); y++ {
			for x := max(x0, 0); x < min(x1, w); x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	for y := range h {
		shade := uint8(y * 40 / h)
		fill(0, y, w, y+1, color.RGBA{sky.R - shade/2, sky.G - shade/2, sky.B - shade, 255})
	}
	fill(0, 250, w, h, color.RGBA{110, uint8(140 + r.IntN(40)), 90, 255})
	left := 60 + r.IntN(60)
	right := w - 60 - r.IntN(60)
	fill(left, 110, right, 252, wall)
	fill(left-8, 100, right+8, 122, red)
	for x := left + 20; x+30 < right; x += 52 {
		fill(x, 140, x+30, 180, color.RGBA{90, 120, 160, 255})
		fill(x, 196, x+30, 236, color.RGBA{90, 120, 160, 255})
	}
	door := (left + right) / 2
	fill(door-18, 196, door+18, 252, color.RGBA{120, 80, 50, 255})
	fill(door-2, 40, door+2, 100, color.RGBA{90, 90, 90, 255})
	fill(door+2, 40, door+42, 66, red)
	fill(door+8, 45, door+14, 51, color.RGBA{255, 215, 0, 255})
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}
