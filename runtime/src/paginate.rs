//! Protocol-generic pagination: repeat an operation, feeding each response's next token into
//! the following request, as a [`Stream`] of pages or of items.
//!
//! Generated paginators call [`paginate`] or [`paginate_items`] with two plain functions that
//! read the output token and set the input token. The stream ends after the first page whose
//! token is absent, empty, or equal to the token just sent (a service that echoes the token
//! would otherwise loop forever), and after the first error (which is yielded).

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream, StreamExt};

use crate::client::Handle;
use crate::error::SdkError;
use crate::operation::Operation;

/// A boxed, `Unpin` stream of pages or items, with an inherent [`next`](Self::next) so callers
/// need no stream extension trait.
pub struct PaginationStream<T> {
    inner: Pin<Box<dyn Stream<Item = T> + Send>>,
}

impl<T> PaginationStream<T> {
    /// Wraps any stream.
    pub fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(stream),
        }
    }

    /// The next page or item; `None` when the pagination is over.
    pub async fn next(&mut self) -> Option<T> {
        self.inner.next().await
    }
}

impl<T, E> PaginationStream<Result<T, E>> {
    /// Reads the whole stream, stopping at the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>, E> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<T> Stream for PaginationStream<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.as_mut().poll_next(cx)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> fmt::Debug for PaginationStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaginationStream").finish_non_exhaustive()
    }
}

/// Reads the next token of a page (`NextToken`, `Marker`...).
pub type NextTokenFn<O> = for<'a> fn(&'a <O as Operation>::Output) -> Option<&'a str>;
/// Sets the token of the next request.
pub type SetTokenFn<O> = fn(&mut <O as Operation>::Input, Option<String>);

/// A page token: usually a string, but some services page with a map of key attributes
/// (DynamoDB's `LastEvaluatedKey` / `ExclusiveStartKey`).
pub trait PageToken: Clone + PartialEq + Send + Sync + 'static {
    /// Whether the token marks the last page (an empty string or map).
    fn is_end(&self) -> bool;
}

impl PageToken for String {
    fn is_end(&self) -> bool {
        self.is_empty()
    }
}

impl<V, S> PageToken for HashMap<String, V, S>
where
    V: Clone + PartialEq + Send + Sync + 'static,
    S: BuildHasher + Clone + Send + Sync + 'static,
{
    fn is_end(&self) -> bool {
        self.is_empty()
    }
}

struct State<O: Operation, T> {
    handle: Handle,
    input: O::Input,
    sent_token: Option<T>,
}

/// The one paging loop behind every public helper.
fn pages<O, T, N, S>(
    handle: Handle,
    input: O::Input,
    next_token: N,
    set_token: S,
) -> PaginationStream<Result<O::Output, SdkError<O::Error>>>
where
    O: Operation,
    O::Input: Clone,
    T: PageToken,
    N: Fn(&O::Output) -> Option<T> + Send + Sync + 'static,
    S: Fn(&mut O::Input, Option<T>) + Send + Sync + 'static,
{
    let start: Option<State<O, T>> = Some(State {
        handle,
        input,
        sent_token: None,
    });
    let fns = std::sync::Arc::new((next_token, set_token));
    PaginationStream::new(stream::unfold(start, move |state| {
        let fns = fns.clone();
        async move {
            let mut state = state?;
            match state.handle.send::<O>(state.input.clone()).await {
                Ok(page) => {
                    let (next_token, set_token) = &*fns;
                    let following = match next_token(&page).filter(|t| !t.is_end()) {
                        Some(token) if state.sent_token.as_ref() != Some(&token) => {
                            set_token(&mut state.input, Some(token.clone()));
                            state.sent_token = Some(token);
                            Some(state)
                        }
                        _ => None,
                    };
                    Some((Ok(page), following))
                }
                Err(err) => Some((Err(err), None)),
            }
        }
    }))
}

/// Pages of operation `O`, starting from `input`.
///
/// Each page is requested only when the stream is polled. See the module docs for when the
/// stream ends.
pub fn paginate<O>(
    handle: Handle,
    input: O::Input,
    next_token: NextTokenFn<O>,
    set_token: SetTokenFn<O>,
) -> PaginationStream<Result<O::Output, SdkError<O::Error>>>
where
    O: Operation,
    O::Input: Clone,
{
    pages::<O, String, _, _>(
        handle,
        input,
        move |page| next_token(page).map(str::to_owned),
        set_token,
    )
}

/// Pages of operation `O` whose token is any [`PageToken`], such as a map of key attributes.
pub fn paginate_with_token<O, T>(
    handle: Handle,
    input: O::Input,
    next_token: fn(&O::Output) -> Option<T>,
    set_token: fn(&mut O::Input, Option<T>),
) -> PaginationStream<Result<O::Output, SdkError<O::Error>>>
where
    O: Operation,
    O::Input: Clone,
    T: PageToken,
{
    pages::<O, T, _, _>(handle, input, next_token, set_token)
}

/// Items of operation `O`'s pages, flattened with `items` (e.g. the page's `Clusters` list).
pub fn paginate_items<O, T>(
    handle: Handle,
    input: O::Input,
    next_token: NextTokenFn<O>,
    set_token: SetTokenFn<O>,
    items: fn(O::Output) -> Vec<T>,
) -> PaginationStream<Result<T, SdkError<O::Error>>>
where
    O: Operation,
    O::Input: Clone,
    T: Send + 'static,
{
    flatten_items::<O, T>(paginate::<O>(handle, input, next_token, set_token), items)
}

/// Items of pages whose token is any [`PageToken`]; see [`paginate_with_token`].
pub fn paginate_items_with_token<O, K, T>(
    handle: Handle,
    input: O::Input,
    next_token: fn(&O::Output) -> Option<K>,
    set_token: fn(&mut O::Input, Option<K>),
    items: fn(O::Output) -> Vec<T>,
) -> PaginationStream<Result<T, SdkError<O::Error>>>
where
    O: Operation,
    O::Input: Clone,
    K: PageToken,
    T: Send + 'static,
{
    flatten_items::<O, T>(
        paginate_with_token::<O, K>(handle, input, next_token, set_token),
        items,
    )
}

fn flatten_items<O, T>(
    pages: PaginationStream<Result<O::Output, SdkError<O::Error>>>,
    items: fn(O::Output) -> Vec<T>,
) -> PaginationStream<Result<T, SdkError<O::Error>>>
where
    O: Operation,
    T: Send + 'static,
{
    PaginationStream::new(pages.flat_map(move |page| {
        let batch: Vec<Result<T, SdkError<O::Error>>> = match page {
            Ok(page) => items(page).into_iter().map(Ok).collect(),
            Err(err) => vec![Err(err)],
        };
        stream::iter(batch)
    }))
}
