// Printing one element of a page (a 信访处理意见书): a copy of it goes into a sheet on the
// body, the print stylesheet (PetitionLetter.vue) shows only that sheet, and it goes away
// after the print dialog.

export function printNode(node) {
  if (!node) return
  const sheet = document.createElement('div')
  sheet.className = 'sg-print-sheet'
  sheet.appendChild(node.cloneNode(true))
  document.body.appendChild(sheet)
  document.body.classList.add('sg-printing')
  let done = false
  const finish = () => {
    if (done) return
    done = true
    window.removeEventListener('afterprint', finish)
    sheet.remove()
    document.body.classList.remove('sg-printing')
  }
  window.addEventListener('afterprint', finish)
  window.print()
  setTimeout(finish, 0) // print() returns once the dialog is closed where it blocks
}

/** A date as 2026年3月5日. */
export function cnDate(v) {
  const d = v ? new Date(v) : new Date()
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`
}
