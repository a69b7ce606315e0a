import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULE_LABELS, evidenceTagLabel, productList } from '@/utils/labels'

describe('evidenceTagLabel', () => {
  it('names what the sandbox noted in Chinese', () => {
    expect(evidenceTagLabel('signed')).toBe('签名有效')
    expect(evidenceTagLabel('direction_in')).toBe('考勤：进')
    expect(evidenceTagLabel('via_get')).toBe('以 GET 方式提交')
    expect(evidenceTagLabel('noted:credit_code_checksum')).toContain('仅提示')
  })
  it('keeps the method a tag names', () => {
    expect(evidenceTagLabel('fetched:Team.Add')).toBe('取得结果：Team.Add')
    expect(evidenceTagLabel('pending:WorkerAttendance.Add')).toBe('处理中：WorkerAttendance.Add')
  })
  it('shows a tag it does not know as it is', () => {
    expect(evidenceTagLabel('something_new')).toBe('something_new')
  })
})

describe('productList', () => {
  it('names each product with its model, in order', () => {
    expect(
      productList([
        { name: '人脸识别闸机', model: 'HA-FG300' },
        { name: '实名制考勤终端', model: 'HA-AT20' },
      ]),
    ).toBe('人脸识别闸机（HA-FG300）、实名制考勤终端（HA-AT20）')
    expect(productList([{ name: '闸机', model: '' }])).toBe('闸机')
  })
  it('shows a dash when there is none', () => {
    expect(productList([])).toBe('—')
    expect(productList(undefined)).toBe('—')
  })
})

describe('RULE_LABELS', () => {
  it("names every rule of every shipped profile's error catalogue in Chinese", () => {
    const profiles = join(__dirname, '../../spec/profiles')
    let read = 0
    for (const name of readdirSync(profiles)) {
      let profile: { errors?: Record<string, unknown> }
      try {
        profile = JSON.parse(readFileSync(join(profiles, name, 'profile.json'), 'utf8'))
      } catch {
        continue // not a profile directory
      }
      read++
      for (const key of Object.keys(profile.errors ?? {})) {
        expect(RULE_LABELS[key], `${name}: ${key}`).toMatch(/[\u4e00-\u9fff]/)
      }
    }
    expect(read).toBeGreaterThanOrEqual(3)
  })
})
