// Package region holds China's administrative-division tree (国家统计局
// 统计用区划代码, 2023 edition) and names the Party organization that stands for
// each division, so that the basic skeleton of provincial, city, county,
// township and village organizations can be created from a region code instead
// of being typed in by hand.
//
// The tree is embedded in the binary (data/divisions.gz, made by ./gen) and
// parsed by Load; the caller keeps the resulting *Set. Codes change every year,
// so callers should keep a division code as an attribute of an organization,
// never as its key.
package region
